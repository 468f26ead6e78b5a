// Progressive enhancement for questionnaires: a question that applies only when an
// earlier answer calls for it (the ASQ's acuity question) is hidden until it does.
// Without JavaScript the question stays visible with its hint; the scoring engine counts
// it only when it applies, or when its answer raises a safety alert (an ASQ acuity yes).
// The portal asks such a question on a second page instead (portal/steps.py).
(function () {
  "use strict";
  function update(form) {
    form.querySelectorAll("[data-enabled-any]").forEach(function (fieldset) {
      var above = parseInt(fieldset.getAttribute("data-enabled-above"), 10);
      var applies = fieldset.getAttribute("data-enabled-any").split(" ").some(function (id) {
        var chosen = form.querySelector('input[name="' + id + '"]:checked');
        return chosen !== null && parseInt(chosen.getAttribute("data-score"), 10) > above;
      });
      fieldset.hidden = !applies;
      fieldset.querySelectorAll("input").forEach(function (input) {
        input.disabled = !applies;
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.questionnaire").forEach(function (form) {
      update(form);
      form.addEventListener("change", function () { update(form); });
    });
  });
})();

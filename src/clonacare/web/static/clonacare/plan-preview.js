// The live preview of the clinic's draft page (clinic/plan_new.html): as the prescriber
// changes a field, the form is posted (with its CSRF token) to the preview view, which
// plans it without storing anything and answers the HTML of the preview region: the
// schedule, chart and warnings, or the refusal in clinical words. Changes are gathered
// for DELAY_MS before one request, and a new request cancels the one still on its way,
// so only the answer to the newest form is ever shown.
// The status line (role="status", read politely) says what changed. The preset list
// only fills the form through "Apply preset", so choosing a preset does not refresh it.
// Without JavaScript, the Preview button posts the whole page back instead.
(function () {
  "use strict";
  var DELAY_MS = 400;
  var FRAGMENT = "plan-preview";

  function start(form) {
    var url = form.getAttribute("data-preview-url");
    var region = document.getElementById("preview");
    var status = document.getElementById("preview-status");
    if (!url || !region || !status || !window.fetch || !window.FormData) {
      return;
    }
    var timer = null;
    var latest = 0;
    var pending = null;

    function refresh() {
      var asked = ++latest;
      if (pending !== null) {
        pending.abort();
      }
      pending = window.AbortController ? new window.AbortController() : null;
      region.setAttribute("aria-busy", "true");
      fetch(url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        signal: pending ? pending.signal : undefined
      })
        .then(function (response) {
          if (response.headers.get("Clonacare-Fragment") !== FRAGMENT) {
            throw new Error("not a preview");
          }
          return response.text();
        })
        .then(function (html) {
          if (asked !== latest) {
            return;
          }
          region.innerHTML = html;
          region.removeAttribute("aria-busy");
          region.hidden = false;
          var said = region.querySelector("[data-announce]");
          status.textContent = said ? said.getAttribute("data-announce") : "";
        })
        .catch(function () {
          if (asked === latest) {
            region.removeAttribute("aria-busy");
            status.textContent = "The preview could not be refreshed: press Preview.";
          }
        });
    }

    function later(event) {
      if (event.target && event.target.name === "preset") {
        return;
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DELAY_MS);
    }

    form.addEventListener("input", later);
    form.addEventListener("change", later);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-preview-url]").forEach(start);
  });
})();

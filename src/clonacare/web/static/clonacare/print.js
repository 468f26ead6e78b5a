// The print button of a printable page (the safety plan's): shown only when scripts
// run, since the page prints without it from the browser's own Print command.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();

/* Behaviour every page shares, kept out of the HTML so the content security policy can forbid inline
 * scripts and handlers (settings.SECURE_CSP: script-src 'self').
 *   <form data-confirm="确定…？">   asks before submitting;
 *   <button data-print>           prints the page;
 *   <a data-back href="…">         goes back in history (the href is where it goes without history). */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target.closest ? event.target.closest("form[data-confirm]") : null;
    if (form && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    if (event.target.closest("[data-print]")) {
      event.preventDefault();
      window.print();
      return;
    }
    var back = event.target.closest("a[data-back]");
    if (back && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();

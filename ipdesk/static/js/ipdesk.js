/* Behaviour every page shares, kept out of the HTML so the content security policy can forbid inline
 * scripts and handlers (settings.SECURE_CSP: script-src 'self').
 *   <form data-confirm="确定…？">   asks before submitting;
 *   <button data-confirm="确定…？"> asks before submitting with that button (an irreversible step:
 *                                  解除质押, 拨付, 审核通过, 发布通报);
 *   <select data-searchable>       a searchable select (Tom Select, served from static/vendor);
 *   <select data-searchable data-autocomplete="/autocomplete/enterprises/">
 *                                  its options load as the user types (core.autocomplete);
 *   <button data-print>           prints the page;
 *   <a data-back href="…">         goes back in history (the href is where it goes without history). */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var button = event.submitter && event.submitter.hasAttribute("data-confirm") ? event.submitter : null;
    var form = button || (event.target.closest ? event.target.closest("form[data-confirm]") : null);
    if (form && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  function searchable(root) {
    if (typeof window.TomSelect !== "function") return;  // the page still works with the plain select
    root.querySelectorAll("select[data-searchable]").forEach(function (select) {
      if (select.tomselect) return;
      var options = {
        maxOptions: 200,
        allowEmptyOption: true,
        plugins: select.multiple ? ["remove_button"] : [],
        placeholder: select.getAttribute("data-placeholder") || ""
      };
      var url = select.getAttribute("data-autocomplete");
      if (url) {  // options load as the user types, from core.autocomplete (scoped, a page at a time)
        options.valueField = "id";
        options.labelField = "text";
        options.searchField = ["text"];
        options.preload = "focus";
        options.shouldLoad = function () { return true; };
        options.score = function () { return function () { return 1; }; };  // the server has matched
        var asked = 0;  // the latest question: an answer to an earlier one that arrives after it is dropped
        options.load = function (query, callback) {
          var self = this, ticket = ++asked;
          fetch(url + "?q=" + encodeURIComponent(query), {credentials: "same-origin",
                                                           headers: {"Accept": "application/json"}})
            .then(function (response) { return response.ok ? response.json() : {results: []}; })
            .then(function (data) {
              if (ticket !== asked) { callback(); return; }  // stale: the list keeps the newer answer
              self.clearOptions();  // the list shows this answer only (the chosen option is kept)
              callback(data.results);
            })
            .catch(function () { callback(); });
        };
      }
      new window.TomSelect(select, options);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { searchable(document); });
  document.addEventListener("htmx:afterSwap", function (event) { searchable(event.target); });
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

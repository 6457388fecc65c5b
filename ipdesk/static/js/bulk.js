/* Row selection of a list page (core/object_list.html): the header box ticks or clears the page's rows,
 * and the batch buttons stay disabled until a row is ticked. Kept out of the HTML for the content security
 * policy (script-src 'self'). */
(function () {
  "use strict";
  function rows() { return document.querySelectorAll("input[data-bulk-row]"); }
  function refresh() {
    var ticked = 0;
    rows().forEach(function (box) { if (box.checked) ticked += 1; });
    document.querySelectorAll("[data-bulk-button]").forEach(function (button) { button.disabled = ticked === 0; });
    var count = document.querySelector("[data-bulk-count]");
    if (count) count.textContent = String(ticked);
    var all = document.querySelector("input[data-bulk-all]");
    if (all) {
      all.checked = ticked > 0 && ticked === rows().length;
      all.indeterminate = ticked > 0 && ticked < rows().length;
    }
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("input[data-bulk-all]")) {
      rows().forEach(function (box) { box.checked = target.checked; });
    }
    if (target.matches && target.matches("input[data-bulk-all], input[data-bulk-row]")) refresh();
  });
  document.addEventListener("DOMContentLoaded", refresh);
})();

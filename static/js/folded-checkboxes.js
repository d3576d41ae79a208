// A group of checkboxes folded in <details class="folded-checkboxes"> (communes/forms.py,
// FoldedCheckboxes): its summary names what is ticked, kept up to date as boxes change.
(function () {
  "use strict";
  function summarise(details) {
    var summary = details.querySelector("summary");
    var names = Array.prototype.map.call(
      details.querySelectorAll("input[type=checkbox]:checked"),
      function (box) { return box.parentNode.textContent.trim(); });
    summary.textContent = names.length ? names.join(", ") : summary.dataset.none;
  }
  document.addEventListener("change", function (event) {
    var details = event.target.closest && event.target.closest("details.folded-checkboxes");
    if (details) {
      summarise(details);
    }
  });
  // A page brought back from the browser's history keeps the boxes as they were left.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("details.folded-checkboxes").forEach(summarise);
  });
}());

/* The dashboard on a phone: its sections start folded (all but the first), so the page is a
   list of headings to open; a link of its table of contents opens the section it leads to.
   Without this script every section is open, as on a larger screen. */
(function () {
  "use strict";
  var sections = document.querySelectorAll("details[data-dash-section]");
  if (window.matchMedia("(max-width: 600px)").matches) {
    sections.forEach(function (section, index) {
      if (index > 0 && ("#" + section.id) !== window.location.hash) {
        section.removeAttribute("open");
      }
    });
  }
  function openTarget() {
    var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    if (target && target.tagName === "DETAILS") {
      target.setAttribute("open", "");
    }
  }
  window.addEventListener("hashchange", openTarget);
  document.querySelectorAll(".dash-toc a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function () {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (target && target.tagName === "DETAILS") {
        target.setAttribute("open", "");
      }
    });
  });
})();

// The review page's view switch (reader view, source text, diffs). Without JavaScript every
// panel shows, one under the other; with it, one panel at a time and the links act as tabs.
(function () {
  "use strict";
  function show(id) {
    var links = document.querySelectorAll(".review-tabs a[data-tab]");
    links.forEach(function (link) {
      var panel = document.getElementById(link.dataset.tab);
      var on = link.dataset.tab === id;
      if (panel) panel.hidden = !on;
      link.setAttribute("aria-current", on ? "true" : "false");
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var first = document.querySelector(".review-tabs a[data-tab]");
    if (!first) return;
    var wanted = location.hash.slice(1);
    var start = document.querySelector('.review-tabs a[data-tab="' + wanted + '"]');
    show((start || first).dataset.tab);
    document.querySelector(".review-tabs").addEventListener("click", function (event) {
      var link = event.target.closest("a[data-tab]");
      if (!link) return;
      event.preventDefault();
      show(link.dataset.tab);
      history.replaceState(null, "", "#" + link.dataset.tab);
    });
  });
})();

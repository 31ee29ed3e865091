// Small progressive enhancements for the author editor; every page works without them.
(function () {
  "use strict";

  // A problem link jumps to its section: focus the text and select the marker it is about.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-focus]");
    if (!link) return;
    var box = document.getElementById(link.dataset.focus);
    if (!box) return;
    event.preventDefault();
    box.scrollIntoView({ block: "center", behavior: "smooth" });
    box.focus({ preventScroll: true });
    var pos = parseInt(link.dataset.pos, 10);
    if (!isNaN(pos) && box.setSelectionRange) {
      var end = box.value.indexOf("]", pos);
      box.setSelectionRange(pos, end >= pos ? end + 1 : pos);
    }
  });

  // After a refused save, start from the explanation (screen readers read it, Tab goes on).
  // After an add, a move or "Edit" (the URL names the row), continue typing there. On "load":
  // the browser's own scroll to the URL's #fragment comes after DOMContentLoaded and takes the
  // focus back to the page.
  window.addEventListener("load", function () {
    var error = document.getElementById("form-error");
    if (error) { error.focus(); return; }
    if (document.activeElement && document.activeElement !== document.body) return;
    var row = location.hash && document.getElementById(location.hash.slice(1));
    var field = row && row.querySelector("input[type=text], textarea");
    if (field) field.focus({ preventScroll: true });
  });

  // Destructive buttons ask first.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });

  // Warn before leaving with unsaved text (not when the form itself is submitted).
  var form = document.getElementById("editor-form");
  if (!form) return;
  var dirty = false;
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
})();

// Accessibility fixes for widgets Django's admin builds in JavaScript (axe-core serious):
// select2 comboboxes (autocomplete fields) get the name of their field's label, the search
// icons of the two-list ("filter_horizontal") widget get a role that permits aria-label, and
// the inputs of tabular inline rows (column headings, no labels) are named after their column.
(function () {
  "use strict";
  function labelText(id) {
    var label = id && document.querySelector('label[for="' + id + '"]');
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }
  function fix(root) {
    root.querySelectorAll(".select2-selection[role=combobox]:not([aria-label])").forEach(function (box) {
      var container = box.closest(".select2");
      var select = container && container.previousElementSibling;
      var text = select && labelText(select.id);
      if (text) box.setAttribute("aria-label", text);
      var rendered = box.querySelector("[role=textbox]:not([aria-label])");
      if (text && rendered) rendered.setAttribute("aria-label", text);
    });
    root.querySelectorAll(".tabular table").forEach(nameTabularInputs);
    root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }
  function nameTabularInputs(table) {
    var headings = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, i) {
        cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (field) {
          if (field.getAttribute("aria-label") || (field.id && document.querySelector('label[for="' + field.id + '"]'))) return;
          var name = cell.classList.contains("delete") ? "Delete this row" : headings[i] || field.name;
          if (name) field.setAttribute("aria-label", name);
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    fix(document);
    new MutationObserver(function () { fix(document); }).observe(document.body, {
      childList: true,
      subtree: true,
    });
  });
})();

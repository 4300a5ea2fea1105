/* Quote lines: drag a line by its handle to another place; the new order is posted through the
   hidden reorder form (HTMX), which re-renders lines and totals. The up/down buttons do the same
   without a mouse. Event delegation, so it keeps working after every HTMX swap. */
(function () {
  "use strict";
  var dragged = null;

  function rowOf(el) { return el && el.closest ? el.closest("tr[data-line]") : null; }

  document.addEventListener("dragstart", function (event) {
    if (!event.target.classList || !event.target.classList.contains("drag-handle")) { return; }
    dragged = rowOf(event.target);
    if (!dragged) { return; }
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.line);
    event.dataTransfer.setDragImage(dragged, 10, 10);
  });

  document.addEventListener("dragover", function (event) {
    var row = rowOf(event.target);
    if (!dragged || !row || row === dragged || row.parentNode !== dragged.parentNode) { return; }
    event.preventDefault();
    document.querySelectorAll("tr.drop-target").forEach(function (r) { r.classList.remove("drop-target"); });
    row.classList.add("drop-target");
  });

  document.addEventListener("drop", function (event) {
    var row = rowOf(event.target);
    if (!dragged || !row || row === dragged || row.parentNode !== dragged.parentNode) { return; }
    event.preventDefault();
    var rows = Array.prototype.slice.call(row.parentNode.children);
    if (rows.indexOf(dragged) < rows.indexOf(row)) {
      row.parentNode.insertBefore(dragged, row.nextSibling);
    } else {
      row.parentNode.insertBefore(dragged, row);
    }
    submitOrder(row.parentNode);
  });

  document.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("dragging"); }
    document.querySelectorAll("tr.drop-target").forEach(function (r) { r.classList.remove("drop-target"); });
    dragged = null;
  });

  function submitOrder(tbody) {
    var form = document.getElementById("reorder-form");
    if (!form || !window.htmx) { return; }
    form.querySelectorAll("input[name=order]").forEach(function (input) { input.remove(); });
    tbody.querySelectorAll("tr[data-line]").forEach(function (tr) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "order";
      input.value = tr.dataset.line;
      form.appendChild(input);
    });
    window.htmx.trigger(form, "submit");
  }
})();

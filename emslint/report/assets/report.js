// emslint HTML report: sorting and filtering of the deployments table. Plain JavaScript, no framework, no network.
(function () {
  "use strict";
  var table = document.getElementById("deployments");
  if (!table) { return; }
  var body = table.tBodies[0];
  var filter = document.getElementById("filter");
  var level = document.getElementById("level-filter");
  var count = document.getElementById("shown-count");

  function cellValue(row, index) {
    var cell = row.cells[index];
    var key = cell.getAttribute("data-sort");
    return key !== null ? key : cell.textContent.trim().toLowerCase();
  }

  function sortBy(header) {
    var index = header.cellIndex;
    var numeric = header.classList.contains("num") || header.hasAttribute("data-numeric");
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var headers = table.tHead.rows[0].cells;
    for (var i = 0; i < headers.length; i++) { headers[i].removeAttribute("aria-sort"); }
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      var order = numeric ? (parseFloat(x) - parseFloat(y)) : (x < y ? -1 : (x > y ? 1 : 0));
      return ascending ? order : -order;
    });
    for (var j = 0; j < rows.length; j++) { body.appendChild(rows[j]); }
  }

  function applyFilter() {
    var text = (filter ? filter.value : "").trim().toLowerCase();
    var wanted = level ? level.value : "";
    var shown = 0;
    for (var i = 0; i < body.rows.length; i++) {
      var row = body.rows[i];
      var path = (row.getAttribute("data-path") || "").toLowerCase();
      var ok = (!text || path.indexOf(text) >= 0) && (!wanted || row.getAttribute("data-level") === wanted);
      row.hidden = !ok;
      if (ok) { shown++; }
    }
    if (count) { count.textContent = shown + " of " + body.rows.length + " shown"; }
  }

  var headers = table.tHead.rows[0].cells;
  for (var i = 0; i < headers.length; i++) {
    if (headers[i].classList.contains("sortable")) {
      headers[i].addEventListener("click", function (event) { sortBy(event.currentTarget); });
      headers[i].addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sortBy(event.currentTarget); }
      });
    }
  }
  if (filter) { filter.addEventListener("input", applyFilter); }
  if (level) { level.addEventListener("change", applyFilter); }
  applyFilter();
  document.documentElement.setAttribute("data-ready", "1");
})();

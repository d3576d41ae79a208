/* Figures typed like a spreadsheet, in the tables marked data-grid: the recording page's
   grids (units down, metrics across) and a unit's table of its month (a row per metric).

   - Tab moves right (the page's own order of the cells); Enter moves down, Shift+Enter up, and
     never sends the form; after a run of Tabs, Enter goes down to the column the run started
     from, as in Excel. The arrows up and down move too. Enter in a table's month goes to its
     first cell, and in a note under a grid to the next note.
   - A block copied from a spreadsheet (cells separated by tabs, lines by line breaks) fills
     the cells from the one it is pasted into, across and down; in a unit's table, one line of
     values fills the values down. A cell gets the text as copied (a percentage cell drops the
     "%" Excel shows): the server reads it the Vietnamese way or refuses it with its message
     (communes/numbers.py), never guessing.
   - The marks follow what is typed: "≈" for an estimate, "●" for a value as the unit sent
     it; the line of a cell's estimate and note shows once the cell has a value.

   Loaded with `defer` by the pages that have such tables, after static/js/portal.js, whose
   draft (localStorage) holds these fields like any other. */
(function () {
  "use strict";

  function rowsOf(table) {
    return Array.prototype.map.call(table.querySelectorAll("tr[data-grid-row]"), function (tr) {
      return Array.prototype.slice.call(tr.querySelectorAll("[data-cell]"));
    });
  }

  function position(el) {
    var table = el.closest("table[data-grid]");
    if (!table) return null;
    var rows = rowsOf(table);
    for (var r = 0; r < rows.length; r++) {
      var c = rows[r].indexOf(el);
      if (c >= 0) return { table: table, rows: rows, r: r, c: c };
    }
    return null;
  }

  function focusCell(el) {
    el.focus();
    if (el.type === "text") el.select();
  }

  /* Where a run of Tabs started, for Enter to come back to its column on the next row. */
  var run = null;

  function move(pos, r, c) {
    var row = pos.rows[r];
    if (!row || !row.length) return;
    focusCell(row[Math.min(c, row.length - 1)]);
  }

  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (!(el instanceof HTMLInputElement)) return;
    var plain = !event.altKey && !event.ctrlKey && !event.metaKey;
    if (el.closest("[data-grid-month]") && event.key === "Enter" && plain) {
      var scope = el.closest("[data-item], [data-grid-scope]");
      var first = scope && scope.querySelector("table[data-grid] [data-cell]:not([disabled])");
      event.preventDefault();
      if (first) focusCell(first);
      return;
    }
    var line = el.closest("[data-extra-for]");
    if (line && el.type === "text" && event.key === "Enter" && plain) {
      /* A note of the grid's: Enter goes to the next note shown, as in the grid. */
      event.preventDefault();
      var next = line.nextElementSibling;
      while (next && next.hidden) next = next.nextElementSibling;
      if (next && next.querySelector("input[type=text]")) focusCell(next.querySelector("input[type=text]"));
      return;
    }
    if (!el.hasAttribute("data-cell")) return;
    var pos = position(el);
    if (!pos) return;
    if (event.key === "Tab") {
      if (!run || run.table !== pos.table) run = { table: pos.table, c: pos.c };
      return;  /* the browser moves to the next cell */
    }
    if (event.key === "Enter" && plain) {
      event.preventDefault();  /* never sends the form from inside the grid */
      var column = run && run.table === pos.table && !event.shiftKey ? run.c : pos.c;
      run = null;
      move(pos, pos.r + (event.shiftKey ? -1 : 1), column);
      return;
    }
    if ((event.key === "ArrowDown" || event.key === "ArrowUp") && plain && !event.shiftKey
        && el.type === "text") {
      event.preventDefault();
      run = null;
      move(pos, pos.r + (event.key === "ArrowDown" ? 1 : -1), pos.c);
    }
  });
  document.addEventListener("mousedown", function () { run = null; });

  /* Pasting a block from a spreadsheet. */
  var YES = /^(x|có|co|1|yes|true|ước tính|≈)$/i;

  function put(cell, text) {
    var value = text.trim();
    if (value.length > 1 && value.charAt(0) === '"' && value.charAt(value.length - 1) === '"') {
      value = value.slice(1, -1).replace(/""/g, '"').trim();
    }
    if (cell.type === "checkbox") {
      cell.checked = YES.test(value);
      cell.dispatchEvent(new Event("change", { bubbles: true }));
      return;
    }
    if (cell.dataset.kind === "percent") value = value.replace(/\s*%$/, "");
    cell.value = value;
    cell.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function say(scope, pasted, left) {
    var status = (scope && scope.querySelector("[data-grid-status]"))
      || document.querySelector("[data-grid-status]");
    if (!status) return;
    var text = status.dataset.pasted.replace("{n}", pasted);
    if (left) text += " " + status.dataset.left.replace("{n}", left);
    status.textContent = text;
  }

  document.addEventListener("paste", function (event) {
    var el = event.target;
    if (!(el instanceof HTMLInputElement) || !el.hasAttribute("data-cell") || el.type !== "text") return;
    var text = (event.clipboardData || window.clipboardData).getData("text");
    text = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "");
    if (text.indexOf("\t") < 0 && text.indexOf("\n") < 0) return;  /* one value: pasted as usual */
    var pos = position(el);
    if (!pos) return;
    event.preventDefault();
    var lines = text.split("\n").map(function (line) { return line.split("\t"); });
    /* A unit's table holds one value per row: a line copied across (its row of a
       spreadsheet) goes down the values. */
    if (pos.table.dataset.grid === "column" && lines.length === 1) {
      lines = lines[0].map(function (value) { return [value]; });
    }
    /* Text goes into the text cells only: a unit's row is value, estimate box, note, and a
       line "6.600⇥note" copied from a spreadsheet fills the value and the note. */
    var texts = pos.rows.map(function (row) {
      return row.filter(function (cell) { return cell.type === "text"; });
    });
    var column = texts[pos.r].indexOf(el);
    var pasted = 0, left = 0;
    lines.forEach(function (values, i) {
      var row = texts[pos.r + i];
      values.forEach(function (value, j) {
        var cell = row && row[column + j];
        if (cell && !cell.disabled) {
          put(cell, value);
          pasted++;
        } else if (value.trim()) {
          left++;
        }
      });
    });
    say(el.closest("[data-grid-scope]"), pasted, left);
  });

  /* The marks and the lines of estimates and notes. */
  function describedBy(el, id, on) {
    var ids = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (token) {
      return token && token !== id;
    });
    if (on) ids.push(id);
    if (ids.length) el.setAttribute("aria-describedby", ids.join(" "));
    else el.removeAttribute("aria-describedby");
  }

  function legendId(el, what) {
    var scope = el.closest("[data-formset]");
    return scope ? scope.dataset.formset + "-" + what : null;
  }

  function refreshLine(line) {
    var cell = document.getElementById(line.dataset.extraFor);
    var estimate = line.querySelector("input[type=checkbox]");
    var note = line.querySelector("input[type=text]");
    line.hidden = !((cell && cell.value.trim()) || (estimate && estimate.checked)
                    || (note && note.value.trim()));
  }

  function refreshCell(cell) {
    var td = cell.closest("td");
    if (!td) return;
    if (td.hasAttribute("data-unit-value")) {
      var same = cell.value.trim() === td.dataset.unitValue;
      td.classList.toggle("from-unit", same);
      var fromUnit = legendId(cell, "from-unit");
      if (fromUnit) describedBy(cell, fromUnit, same);
    }
    var line = document.querySelector('[data-extra-for="' + cell.id + '"]');
    if (line) refreshLine(line);
  }

  function refreshEstimate(box) {
    var cell = document.getElementById(box.dataset.estimateFor);
    if (!cell) return;
    cell.closest("td").classList.toggle("estimate", box.checked);
    var estimate = legendId(cell, "estimate");
    if (estimate) describedBy(cell, estimate, box.checked);
    refreshLine(box.closest("[data-extra-for]"));
  }

  function refreshAll() {
    document.querySelectorAll("table[data-grid] input[type=text][data-cell]").forEach(refreshCell);
    document.querySelectorAll("[data-estimate-for]").forEach(refreshEstimate);
    document.querySelectorAll("[data-extra-for]").forEach(refreshLine);
  }

  document.addEventListener("input", function (event) {
    var el = event.target;
    if (el.matches("table[data-grid] input[data-cell]")) refreshCell(el);
    else if (el.closest("[data-extra-for]")) refreshLine(el.closest("[data-extra-for]"));
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-estimate-for]")) refreshEstimate(event.target);
  });
  /* A draft restored by portal.js sets the fields without events. */
  document.querySelectorAll("[data-draft-restore]").forEach(function (button) {
    button.addEventListener("click", function () { setTimeout(refreshAll, 0); });
  });
})();

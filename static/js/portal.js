/* The portal's only script: rows added without a reload, and input that survives a dropped
   connection, a reload, a closed tab or an expired login (kept in localStorage, per user and
   page, until it is saved or the user logs out). Plain JavaScript, served by the portal. */
(function () {
  "use strict";
  var body = document.body;
  var userId = body.dataset.userId;

  /* Logging out clears this user's drafts on this computer. */
  document.querySelectorAll("form[data-logout]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var prefix = "draft:" + userId + ":";
      Object.keys(localStorage).forEach(function (key) {
        if (key.indexOf(prefix) === 0) localStorage.removeItem(key);
      });
    });
  });

  /* Focus the first error so keyboard and screen-reader users land on it. */
  var summary = document.querySelector(".error-summary");
  var firstError = document.querySelector(".has-error input, .has-error select, .has-error textarea");
  if (firstError) firstError.focus(); else if (summary) summary.focus();

  /* Formsets: "Add" clones the empty row and counts it in TOTAL_FORMS. */
  function addRow(section) {
    var total = section.querySelector('input[name$="-TOTAL_FORMS"]');
    var template = section.querySelector("template[data-empty-row]");
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var row = holder.firstElementChild;
    section.querySelector("[data-rows]").appendChild(row);
    total.value = String(index + 1);
    return row;
  }
  document.querySelectorAll("[data-formset]").forEach(function (section) {
    var button = section.querySelector("[data-add-row]");
    if (!button) return;
    button.addEventListener("click", function () {
      var row = addRow(section);
      var first = row.querySelector("input:not([type=hidden]), select, textarea");
      if (first) first.focus();
      row.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });

  var form = document.querySelector("form[data-draft-key]");
  if (!form) return;
  var key = form.dataset.draftKey;
  var SKIP = { csrfmiddlewaretoken: true, version: true };

  function snapshot() {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.disabled || el.type === "submit" || el.type === "button") return;
      if (el.type === "checkbox" || el.type === "radio") {
        values[el.name + "=" + el.value] = el.checked;
      } else if (el.tagName === "SELECT" && el.multiple) {
        values[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; })
          .map(function (o) { return o.value; });
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }
  var versionInput = form.querySelector('input[name="version"]');
  var initial = JSON.stringify(snapshot());

  /* Once the page is replaced by the server's answer, this copy of the script stands down:
     its window-level listeners and timers would otherwise write a stale draft. */
  var retired = false;
  function saveDraft() {
    if (retired) return;
    var values = snapshot();
    if (JSON.stringify(values) === initial) return;
    localStorage.setItem(key, JSON.stringify({
      values: values, savedAt: new Date().toISOString(),
      version: versionInput ? versionInput.value : null,
    }));
  }
  var timer = null;
  function saveSoon() { clearTimeout(timer); timer = setTimeout(saveDraft, 250); }
  form.addEventListener("input", saveSoon);
  form.addEventListener("change", saveSoon);
  window.addEventListener("pagehide", saveDraft);

  function restore(values) {
    /* First give every formset as many rows as the draft had. */
    document.querySelectorAll("[data-formset]").forEach(function (section) {
      var total = section.querySelector('input[name$="-TOTAL_FORMS"]');
      var wanted = parseInt(values[total.name], 10);
      while (section.querySelector("template[data-empty-row]") && parseInt(total.value, 10) < wanted) addRow(section);
    });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.disabled) return;
      if (el.type === "checkbox" || el.type === "radio") {
        var stored = values[el.name + "=" + el.value];
        if (stored !== undefined) el.checked = stored;
      } else if (el.tagName === "SELECT" && el.multiple) {
        var selected = values[el.name];
        if (selected) Array.prototype.forEach.call(el.options, function (o) { o.selected = selected.indexOf(o.value) >= 0; });
      } else if (values[el.name] !== undefined && el.type !== "file") {
        el.value = values[el.name];
      }
    });
  }

  var banner = document.querySelector("[data-draft-banner]");
  var stored = localStorage.getItem(key);
  if (stored && banner) {
    var draft = JSON.parse(stored);
    if (JSON.stringify(draft.values) !== initial) {
      banner.querySelector("[data-draft-time]").textContent = new Date(draft.savedAt).toLocaleString(document.documentElement.lang);
      banner.hidden = false;
      banner.querySelector("[data-draft-restore]").addEventListener("click", function () {
        restore(draft.values);
        banner.hidden = true;
      });
      banner.querySelector("[data-draft-discard]").addEventListener("click", function () {
        localStorage.removeItem(key);
        banner.hidden = true;
      });
    }
  }

  /* Saving goes through fetch, so a failed save leaves the page, and what was typed, as it is. */
  var failed = document.querySelector("[data-save-failed]");
  var expired = document.querySelector("[data-login-expired]");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    saveDraft();
    failed.hidden = true; expired.hidden = true;
    var data = new FormData(form, event.submitter);
    fetch(form.action || window.location.href, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        var landed = new URL(response.url);
        if ((response.redirected && landed.pathname === body.dataset.loginUrl) || response.status === 403) {
          expired.hidden = false; expired.focus(); return null;
        }
        /* Saved: the server sent us on to the session page, whose HTML (with its message) is
           this response; show it without asking for it a second time. */
        retired = true;
        clearTimeout(timer);
        if (response.redirected) {
          localStorage.removeItem(key);
          window.history.replaceState(null, "", response.url);
        }
        return response.text();
      })
      .then(function (html) {
        if (html === null) return;
        /* Otherwise the form came back with errors or a conflict; the draft stays. */
        document.open(); document.write(html); document.close();
      })
      .catch(function () { failed.hidden = false; failed.focus(); });
  });
})();

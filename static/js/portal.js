/* The portal's only script: date boxes with a calendar, rows added without a reload, and input
   that survives a dropped connection, a reload, a closed tab or an expired login (kept in
   localStorage, per user and page, until it is saved or the user logs out). Plain JavaScript,
   served by the portal beside the vendored date picker (static/vendor/, `make vendor`). */
(function () {
  "use strict";
  var body = document.body;
  var userId = body.dataset.userId;
  /* Set when this copy of the script must stop writing drafts: after logout, or once the page
     has been replaced by the server's answer (its listeners and timers would otherwise write a
     stale draft back). */
  var stopped = false;

  /* Logging out clears this user's drafts on this computer, and what a unit's pages kept on
     the device (recommendations/views/offline.py): the pages read offline, the sends not yet
     made (after asking, when there are some), the service worker. Then the form goes. This
     runs on every page, the unit's or not. */
  var UNIT_SENDS = "unit-sends";
  function unitSendsUnsent() {
    if (!window.indexedDB || !indexedDB.databases) return Promise.resolve(0);
    return indexedDB.databases().then(function (databases) {
      if (!databases.some(function (db) { return db.name === UNIT_SENDS; })) return 0;
      return new Promise(function (resolve) {
        var request = indexedDB.open(UNIT_SENDS);
        request.onerror = function () { resolve(0); };
        request.onsuccess = function () {
          var db = request.result;
          if (!db.objectStoreNames.contains("sends")) { db.close(); resolve(0); return; }
          var all = db.transaction("sends").objectStore("sends").getAll();
          all.onsuccess = function () {
            db.close();
            resolve(all.result.filter(function (entry) {
              return entry.owner && entry.owner.indexOf("user-" + userId + "-") === 0
                && entry.state !== "sent";
            }).length);
          };
          all.onerror = function () { db.close(); resolve(0); };
        };
      });
    }, function () { return 0; });
  }
  /* The unit's service worker first stops keeping pages (one may be on its way). */
  function unitWorkerForget(scope) {
    if (!navigator.serviceWorker || !scope) return Promise.resolve();
    return navigator.serviceWorker.getRegistration(scope).then(function (registration) {
      var worker = registration && registration.active;
      if (!worker) return;
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function () { resolve(); };
        worker.postMessage({type: "forget"}, [channel.port2]);
        window.setTimeout(resolve, 2000);
      });
    }).catch(function () {});
  }
  function unitKeptDropped() {
    var work = [];
    if (window.caches) {
      work.push(caches.keys().then(function (names) {
        return Promise.all(names.filter(function (name) { return name.indexOf("unit-") === 0; })
          .map(function (name) { return caches.delete(name); }));
      }));
    }
    if (window.indexedDB) {
      work.push(new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase(UNIT_SENDS);
        request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
      }));
    }
    if (navigator.serviceWorker) {
      work.push(navigator.serviceWorker.getRegistrations().then(function (registrations) {
        return Promise.all(registrations.map(function (r) { return r.unregister(); }));
      }));
    }
    return Promise.all(work).catch(function () {});
  }
  /* Pages a unit's service worker kept for another user than the one signed in here (or for
     anyone, on the sign-in page) are dropped: someone else uses this browser now. */
  if (window.caches && window.isSecureContext) {
    caches.keys().then(function (names) {
      names.filter(function (name) {
        return name.indexOf("unit-pages-") === 0
          && (!userId || name.indexOf("unit-pages-user-" + userId + "-") !== 0);
      }).forEach(function (name) { caches.delete(name); });
    }).catch(function () {});
  }
  document.querySelectorAll("form[data-logout]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      stopped = true;
      var prefix = "draft:" + userId + ":";
      Object.keys(localStorage).forEach(function (key) {
        if (key.indexOf(prefix) === 0) localStorage.removeItem(key);
      });
      if (form.dataset.cleared) return;
      event.preventDefault();
      unitSendsUnsent().then(function (unsent) {
        if (unsent && !window.confirm(form.dataset.unsent.replace("{n}", unsent))) {
          stopped = false;
          return;
        }
        unitWorkerForget(form.dataset.unitScope).then(unitKeptDropped).then(function () {
          form.dataset.cleared = "1";
          form.submit();
        });
      });
    });
  });

  /* Dates are typed and shown dd/mm/yyyy whatever the browser's language; the calendar
     (vanillajs-datepicker) opens on a click or the down arrow. It reads what the server reads
     (config/formats): 05/08/2025, 5-8-2025, 5.8.2025 and 05082025 are 5 August 2025. */
  var DATE = /^(\d{1,2})[\/.\- ](\d{1,2})[\/.\- ](\d{4}|\d{2})$|^(\d{2})(\d{2})(\d{4})$/;
  function parseDate(text) {
    var match = DATE.exec(String(text).trim());
    if (!match) return NaN;
    var day = +(match[1] || match[4]), month = +(match[2] || match[5]);
    var year = match[3] || match[6];
    year = year.length === 2 ? 2000 + +year : +year;
    var date = new Date(year, month - 1, day);
    return date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day
      ? date : NaN;
  }
  function pad(number) { return (number < 10 ? "0" : "") + number; }
  var dateFormat = {
    toValue: parseDate,
    toDisplay: function (date) {
      return pad(date.getDate()) + "/" + pad(date.getMonth() + 1) + "/" + date.getFullYear();
    },
  };
  /* What is typed in a date box is the user's: the calendar writes into the box only a date
     picked in it (a click in the calendar, or Enter on its highlighted day), or the same date
     as typed in its usual form (05082025 → 05/08/2025). Left to itself, vanillajs-datepicker
     puts its last good date back, or clears the box, when the box loses focus or Enter is
     pressed with a date it cannot read (31/02/2025): the form would then send a date nobody
     typed. Kept as typed, the text goes to the server, which refuses it with the field's
     message. The guard sits on each box's `value`; the portal's own writes use `setValue`. */
  var nativeValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value");
  function setValue(el, value) {
    Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), "value").set.call(el, value);
  }
  function sameDate(a, b) {
    if (!String(a).trim() && !String(b).trim()) return true;
    var first = parseDate(a), second = parseDate(b);
    return !isNaN(first) && !isNaN(second) && first.getTime() === second.getTime();
  }
  function guardTypedDate(input) {
    var picking = false;
    function pick() { picking = true; setTimeout(function () { picking = false; }, 0); }
    Object.defineProperty(input, "value", {
      configurable: true,
      get: function () { return nativeValue.get.call(this); },
      set: function (value) {
        if (picking || sameDate(nativeValue.get.call(this), value)) nativeValue.set.call(this, value);
      },
    });
    /* Registered before the date picker's own listeners, so these run first: Enter on the
       calendar's highlighted day, and its "today" and "clear" keys, pick a date. */
    input.addEventListener("keydown", function (event) {
      var datepicker = input.datepicker;
      if (!datepicker || !datepicker.picker.active) return;
      var ctrl = event.ctrlKey || event.metaKey;
      if ((event.key === "Enter" && !datepicker.editMode)
          || (ctrl && (event.key === "Backspace" || event.key === "."))) pick();
    });
    return pick;
  }
  function datePickers(root) {
    if (!window.Datepicker) return;
    root.querySelectorAll("input[data-datepicker]").forEach(function (input) {
      if (input.datepicker || input.closest("template")) return;
      var pick = guardTypedDate(input);
      var sent = input.value;  /* as the server sent it back, perhaps with an error */
      new window.Datepicker(input, {
        format: dateFormat, language: document.documentElement.lang === "vi" ? "vi" : "en",
        weekStart: 1, autohide: true, showOnFocus: false, todayButton: true,
        todayButtonMode: 1, todayHighlight: true, clearButton: true,
      });
      setValue(input, sent);
      /* A click in the calendar (a day, "today", "clear") is a date picked. */
      input.datepicker.picker.element.addEventListener("mousedown", pick, true);
      input.datepicker.picker.element.addEventListener("click", pick, true);
      /* The calendar opens on the date typed so far. */
      input.addEventListener("show", function () {
        if (!isNaN(parseDate(input.value))) input.datepicker.update({ autohide: false });
      });
      /* A date picked counts as typed, for the draft kept in the browser. */
      input.addEventListener("changeDate", function () {
        input.dispatchEvent(new Event("input", { bubbles: true }));
      });
    });
  }
  datePickers(document);

  /* The account menu closes on a click elsewhere or on Escape, as a menu does. */
  var accountMenu = document.querySelector("details.account-menu");
  if (accountMenu) {
    document.addEventListener("click", function (event) {
      if (accountMenu.open && !accountMenu.contains(event.target)) accountMenu.open = false;
    });
    accountMenu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && accountMenu.open) {
        accountMenu.open = false;
        accountMenu.querySelector("summary").focus();
      }
    });
  }

  /* On a phone the lists' filters fold behind one button, unless one of them is set. */
  if (window.matchMedia("(max-width: 600px)").matches) {
    document.querySelectorAll("details[data-filters]:not([data-applied])").forEach(function (box) {
      box.open = false;
    });
  }

  /* Focus the first error so keyboard and screen-reader users land on it. */
  var summary = document.querySelector(".error-summary");
  var firstError = document.querySelector(".has-error input:not([type=hidden]), .has-error select, .has-error textarea");
  if (firstError) firstError.focus(); else if (summary) summary.focus();

  /* Formsets: "Add" clones the empty row and counts it in TOTAL_FORMS. */
  function addRow(section) {
    var total = section.querySelector('input[name$="-TOTAL_FORMS"]');
    var template = section.querySelector("template[data-empty-row]");
    var index = parseInt(total.value, 10);
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.firstElementChild;
    section.querySelector("[data-rows]").appendChild(row);
    datePickers(row);
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
  var versionInput = form.querySelector('input[name="version"]');
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
  var initial = JSON.stringify(snapshot());

  function saveDraft() {
    if (stopped) return;
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

  function restore(draft) {
    var values = draft.values;
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
        setValue(el, values[el.name]);
      }
    });
    /* The draft was typed over the version it was read at: if someone has saved since, the
       server refuses the save and says so, rather than the draft silently replacing theirs. */
    if (versionInput && draft.version) versionInput.value = draft.version;
  }

  var banner = document.querySelector("[data-draft-banner]");
  var stored = localStorage.getItem(key);
  if (stored && banner) {
    var draft = JSON.parse(stored);
    if (JSON.stringify(draft.values) !== initial) {
      banner.querySelector("[data-draft-time]").textContent = new Date(draft.savedAt).toLocaleString(document.documentElement.lang);
      banner.hidden = false;
      banner.querySelector("[data-draft-restore]").addEventListener("click", function () {
        restore(draft);
        banner.hidden = true;
      });
      banner.querySelector("[data-draft-discard]").addEventListener("click", function () {
        localStorage.removeItem(key);
        banner.hidden = true;
      });
    }
  }

  function csrfCookie() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : null;
  }

  /* Saving goes through fetch, so a failed save leaves the page, and what was typed, as it is. */
  var failed = document.querySelector("[data-save-failed]");
  var expired = document.querySelector("[data-login-expired]");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    saveDraft();
    failed.hidden = true; expired.hidden = true;
    var data = new FormData(form);
    /* Which button was pressed (older browsers leave it out of FormData). */
    if (event.submitter && event.submitter.name) data.set(event.submitter.name, event.submitter.value || "1");
    /* After logging in again in another tab the page's token is stale; the cookie is current. */
    var token = csrfCookie();
    if (token) data.set("csrfmiddlewaretoken", token);
    fetch(form.action || window.location.href, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        var landed = new URL(response.url);
        if (response.redirected && landed.pathname === body.dataset.loginUrl) {
          expired.hidden = false; expired.focus(); return null;
        }
        return response.text().then(function (html) {
          if (response.status === 403 && html.indexOf("data-csrf-failure") >= 0) {
            expired.hidden = false; expired.focus(); return null;
          }
          return html;
        }).then(function (html) {
          if (html === null) return null;
          stopped = true;
          clearTimeout(timer);
          /* Saved: the server sent us on to the session page, whose HTML (with its message) is
             this response; show it without asking for it a second time. */
          if (response.redirected) {
            localStorage.removeItem(key);
            window.history.replaceState(null, "", response.url);
          }
          /* Otherwise the form came back with errors or a conflict; the draft stays. */
          document.open(); document.write(html); document.close();
          return null;
        });
      })
      .catch(function () { failed.hidden = false; failed.focus(); });
  });
})();

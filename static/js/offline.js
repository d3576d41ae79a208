/* A unit's pages on a weak connection (recommendations/views/offline.py): the service worker
   registered, the connection's state said, and what the clerk sends kept on the device
   (unit-sends.js) until the server has it, each send once: its id, made here, is refused by
   the server as a duplicate.

   A send made with a connection goes the usual way (the page is replaced by the server's
   answer), but a copy waits on the device until the next page says, through the cookie
   unit_send, what became of it: received, refused (the form is back with its errors) or too
   late (the office closed the session or the task meanwhile). A copy nobody answered for — the
   connection dropped, the session had ended — is sent again from the device. A send made
   without a connection waits there and goes when the connection returns. What happened to
   each send stays in view: waiting, received (and when), refused with the server's reason, or
   too late with the clerk's text kept to copy. */
(function () {
  "use strict";
  var root = document.querySelector("[data-offline]");
  if (!root || !window.UnitSends) return;
  var owner = root.dataset.owner;
  var loginPath = new URL(document.body.dataset.loginUrl, location.href).pathname;
  var panel = document.querySelector("[data-device-sends]");
  var list = panel && panel.querySelector("[data-device-sends-list]");
  var onlyHere = panel && panel.hasAttribute("data-this-page");
  var state = document.querySelector("[data-connection]");
  var texts = root.dataset;
  var flushing = false;
  var OUTCOME_COOKIE = "unit_send";

  function say(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (all, name) {
      return values && name in values ? values[name] : all;
    });
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  /* As the server writes a moment (config/formats): 10:32 07/12/2026, or 07/12/2026 10:32. */
  function moment(time) {
    var d = new Date(time);
    var day = pad(d.getDate()) + "/" + pad(d.getMonth() + 1) + "/" + d.getFullYear();
    var hour = pad(d.getHours()) + ":" + pad(d.getMinutes());
    return document.documentElement.lang === "vi" ? hour + " " + day : day + " " + hour;
  }
  function cookie(name) {
    var match = new RegExp("(?:^|;\\s*)" + name + "=([^;]*)").exec(document.cookie);
    return match ? decodeURIComponent(match[1].replace(/^"|"$/g, "")) : "";
  }

  /* Offline: the browser says so, or this page is the copy the device kept (sw.js marks it;
     a connection dropping on the way leaves the browser believing it is online). */
  function offline() { return !navigator.onLine || document.body.hasAttribute("data-from-device"); }

  /* This page and the unit's pages it links to, kept for reading offline (this one was
     perhaps loaded before the worker took over). */
  function keepLinked() {
    if (document.body.hasAttribute("data-from-device")) return;
    var urls = [location.href.split("#")[0]].concat(Array.prototype.map.call(
      document.querySelectorAll("a[data-keep-offline]"), function (link) { return link.href; }));
    var saveData = navigator.connection && navigator.connection.saveData;
    if (saveData || !navigator.onLine || !("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage({type: "keep", urls: urls});
    });
  }

  /* Each send carries an id made here, and who sent it and what it is, for the queue. */
  var forms = document.querySelectorAll("form[data-send-offline]");
  function hidden(form, name, value) {
    var input = form.querySelector('input[name="' + name + '"]');
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.appendChild(input);
    }
    input.value = value;
  }
  function labelsOf(form) {
    var labels = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden") return;
      var ids = (el.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
      var text = ids.length ? ids.map(function (id) {
        var labelled = document.getElementById(id);
        return labelled ? labelled.textContent.trim() : "";
      }).join(" – ") : el.labels && el.labels.length ? el.labels[0].textContent.trim() : "";
      if (text) labels[el.name] = text.replace(/\s+/g, " ").replace(/\s*:$/, "");
    });
    return labels;
  }
  function freshIds() {
    Array.prototype.forEach.call(forms, function (form) {
      hidden(form, "client_id", UnitSends.newId());
    });
  }
  Array.prototype.forEach.call(forms, function (form) {
    hidden(form, "client_owner", owner);
    hidden(form, "client_label", form.dataset.sendOffline);
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented || form.dataset.going) return;
      event.preventDefault();
      /* The token of the cookie now: a page kept on the device may hold an older one. */
      var token = form.querySelector('input[name="csrfmiddlewaretoken"]');
      if (token && cookie("csrftoken")) token.value = cookie("csrftoken");
      var queued = offline();
      UnitSends.keep(form.action || location.href, new FormData(form), labelsOf(form),
                     queued ? "waiting" : "submitting").then(function () {
        if (!queued) {
          form.dataset.going = "1";
          form.submit();
          return;
        }
        /* Sent again, it is another send. */
        hidden(form, "client_id", UnitSends.newId());
        var status = form.querySelector("[data-queued]");
        if (status) status.textContent = say(texts.tQueued, {time: moment(Date.now())});
        render();
        flush();
      }, function () {
        /* The device could not keep it (its storage full): the usual way, then. */
        form.dataset.going = "1";
        form.submit();
      });
    });
  });
  freshIds();
  /* A page come back from the browser's back-and-forward cache sent its ids already. */
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    Array.prototype.forEach.call(forms, function (form) { delete form.dataset.going; });
    freshIds();
  });

  /* Any other form of these pages (an answer marked read, the unit's view on it) needs the
     connection: without one it is not sent, and what was typed stays on the page. */
  Array.prototype.forEach.call(document.querySelectorAll("main form[method=post]:not([data-send-offline])"),
    function (form) {
      form.addEventListener("submit", function (event) {
        if (!offline()) return;
        event.preventDefault();
        if (state) {
          state.textContent = texts.tNeedsNetwork;
          state.classList.add("offline");
          state.scrollIntoView({block: "nearest"});
        }
      });
    });

  /* The server's words in an answer: the form's errors, else its messages. */
  function reasons(page) {
    var found = page.querySelectorAll(".error-summary li, .errorlist li, .messages li");
    return Array.prototype.map.call(found, function (el) { return el.textContent.trim(); })
      .filter(Boolean).join(" ");
  }

  /* What became of the sends that went the usual way: the page the server answered with says
     it for the last one; any other was lost on the way, and goes again from the device. */
  function settle() {
    var outcome = cookie(OUTCOME_COOKIE).split(":");
    /* The cookie goes once the device has taken it in: a page left at once (the clerk is
       quick) leaves it for the next page, rather than a copy thought lost and sent again. */
    function taken() {
      if (outcome[0]) document.cookie = OUTCOME_COOKIE + "=; Max-Age=0; path=" + root.dataset.scope;
    }
    return UnitSends.all().then(function (entries) {
      return Promise.all(entries.filter(function (entry) {
        return entry.owner === owner && (entry.state === "submitting" || (entry.restored
          && outcome[1] === "received" && entry.url === location.href.split("#")[0]));
      }).map(function (entry) {
        if (entry.restored) return UnitSends.remove(entry.id);  /* sent again, corrected */
        if (entry.id !== outcome[0]) {
          entry.state = "waiting";
        } else if (outcome[1] === "received") {
          entry.state = "sent";
          entry.sentAt = Date.now();
        } else if (outcome[1] === "refused") {
          return UnitSends.remove(entry.id);  /* the form is on the page, with its errors */
        } else {
          entry.state = "conflict";
          entry.reason = reasons(document);
        }
        return UnitSends.put(entry);
      }));
    }).then(taken);
  }

  function sendOne(entry) {
    var data = new FormData();
    entry.fields.forEach(function (field) {
      if (field[0] === "csrfmiddlewaretoken") return;
      if (field[1] instanceof Blob) data.append(field[0], field[1], field[1].name);
      else data.append(field[0], field[1]);
    });
    data.append("csrfmiddlewaretoken", cookie("csrftoken"));
    entry.state = "sending";
    render();
    return fetch(entry.url, {method: "POST", body: data, credentials: "same-origin"})
      .then(function (response) {
        if (new URL(response.url).pathname === loginPath) {
          entry.state = "signin";
          return UnitSends.put(entry);
        }
        if (response.status >= 500) throw new Error("server");
        return response.text().then(function (html) {
          entry.reason = reasons(new DOMParser().parseFromString(html, "text/html"));
          if (response.ok) {
            entry.state = "sent";
            entry.sentAt = Date.now();
          } else {
            entry.state = response.status === 409 ? "conflict" : "refused";
          }
          return UnitSends.put(entry);
        });
      }, function (error) {
        entry.state = "waiting";
        return UnitSends.put(entry).then(function () { throw error; });
      });
  }

  /* The waiting sends, oldest first, one after another; stopped by the first that finds no
     connection (the rest wait for the next try). One page at a time sends (the clerk may
     have two open when the connection returns): the others wait, then find nothing left. */
  function flush() {
    if (flushing || !navigator.onLine) return Promise.resolve();
    flushing = true;
    var sending = navigator.locks ? navigator.locks.request("unit-sends", sendWaiting)
      : sendWaiting();
    return sending.catch(function () {}).then(function () {
      flushing = false;
      render();
    });
  }

  function sendWaiting() {
    return UnitSends.all().then(function (entries) {
      var waiting = entries.filter(function (entry) {
        return entry.owner === owner && (entry.state === "waiting" || entry.state === "sending"
          || entry.state === "signin");
      });
      return waiting.reduce(function (done, entry) {
        return done.then(function () { return sendOne(entry); });
      }, Promise.resolve());
    });
  }

  function button(text, action) {
    var el = document.createElement("button");
    el.type = "button";
    el.className = "secondary";
    el.textContent = text;
    el.addEventListener("click", action);
    return el;
  }

  /* What the clerk wrote, as kept: each field with its label, the files by name (only the
     labelled fields, when the page gave the labels: the others are the form's own). */
  function written(entry) {
    var lines = [];
    var labelled = Object.keys(entry.labels || {}).length > 0;
    entry.fields.forEach(function (field) {
      var name = field[0], value = field[1];
      if (/^(csrfmiddlewaretoken|client_\w+)$/.test(name)) return;
      if (labelled && !entry.labels[name]) return;
      if (value instanceof Blob) {
        if (value.size) lines.push((entry.labels[name] || "") + ": " + value.name);
      } else if (String(value).trim() && value !== "on") {
        lines.push((entry.labels[name] ? entry.labels[name] + ": " : "") + value);
      }
    });
    return lines.join("\n");
  }

  /* Back in the form, as it was typed (through the inputs' own setter: the date boxes keep
     what portal.js's calendar would not write). The copy stays, out of view, until the
     corrected form is received. */
  var nativeValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
  var nativeText = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set;
  function restore(entry) {
    var form = document.querySelector("form[data-send-offline]");
    if (!form) return;
    var files = {};
    entry.fields.forEach(function (field) {
      var el = form.elements[field[0]];
      if (!el || /^(csrfmiddlewaretoken|client_\w+)$/.test(field[0])) return;
      if (field[1] instanceof Blob) {
        (files[field[0]] = files[field[0]] || new DataTransfer()).items.add(field[1]);
      } else if (el.type === "checkbox") {
        el.checked = true;
      } else if (el instanceof HTMLTextAreaElement) {
        nativeText.call(el, field[1]);
      } else if (el instanceof HTMLInputElement) {
        nativeValue.call(el, field[1]);
      } else {
        el.value = field[1];
      }
    });
    Object.keys(files).forEach(function (name) { form.elements[name].files = files[name].files; });
    entry.restored = true;
    UnitSends.put(entry).then(render);
    var first = form.querySelector("input:not([type=hidden]), textarea, select");
    if (first) first.focus();
  }

  function item(entry) {
    var li = document.createElement("li");
    li.className = "device-send " + entry.state;
    li.id = "send-" + entry.id;
    var title = document.createElement("a");
    title.href = entry.url;
    title.textContent = entry.label || entry.url;
    var what = document.createElement("p");
    what.appendChild(title);
    li.appendChild(what);
    var status = document.createElement("p");
    var values = {time: moment(entry.sentAt || entry.queuedAt), reason: entry.reason || ""};
    var text = entry.state === "submitting" ? "waiting" : entry.state;
    status.textContent = say(texts["t" + text.charAt(0).toUpperCase() + text.slice(1)], values);
    li.appendChild(status);
    if (entry.state === "conflict" || entry.state === "refused") {
      var kept = document.createElement("textarea");
      kept.readOnly = true;
      kept.rows = 4;
      kept.value = written(entry);
      kept.setAttribute("aria-label", texts.tKept);
      li.appendChild(kept);
      var actions = document.createElement("p");
      actions.className = "actions";
      if (navigator.clipboard) {
        actions.appendChild(button(texts.tCopy, function (event) {
          navigator.clipboard.writeText(kept.value).then(function () {
            event.target.textContent = texts.tCopied;
          });
        }));
      }
      if (entry.state === "refused" && new URL(entry.url).pathname === location.pathname
          && document.querySelector("form[data-send-offline]")) {
        actions.appendChild(button(texts.tRestore, function () { restore(entry); }));
      }
      actions.appendChild(button(texts.tRemove, function () {
        UnitSends.remove(entry.id).then(render).then(function () {
          var heading = panel.querySelector("h2");
          heading.tabIndex = -1;
          heading.focus();
        });
      }));
      li.appendChild(actions);
    }
    return li;
  }

  /* Received sends are kept in view for a month, the last 20 (their files are let go). */
  var MONTH = 31 * 24 * 3600 * 1000;
  function render() {
    return UnitSends.all().then(function (entries) {
      var mine = entries.filter(function (entry) { return entry.owner === owner; });
      var sent = mine.filter(function (entry) { return entry.state === "sent"; });
      sent.forEach(function (entry) {
        if (sent.indexOf(entry) < sent.length - 20 || Date.now() - entry.sentAt > MONTH) {
          UnitSends.remove(entry.id);
        } else if (entry.fields.some(function (field) { return field[1] instanceof Blob; })) {
          entry.fields = entry.fields.map(function (field) {
            return field[1] instanceof Blob ? [field[0], ""] : field;
          });
          UnitSends.put(entry);
        }
      });
      var shown = mine.filter(function (entry) {
        return !entry.restored && (!onlyHere || new URL(entry.url).pathname === location.pathname);
      }).reverse();
      var waiting = mine.filter(function (entry) {
        return ["waiting", "sending", "signin", "submitting"].indexOf(entry.state) >= 0;
      }).length;
      var problems = mine.filter(function (entry) {
        return !entry.restored && (entry.state === "conflict" || entry.state === "refused");
      }).length;
      if (list) {
        list.replaceChildren.apply(list, shown.slice(0, 20).map(item));
        panel.hidden = !shown.length;
      }
      /* Back from a send the service worker kept (#queued-<id>): said, and the send shown. */
      var match = /^#queued-(.+)$/.exec(location.hash);
      var queued = match && mine.filter(function (entry) {
        return entry.id === match[1] && entry.state === "waiting";
      })[0];
      showState(waiting, problems, queued);
      var target = match && document.getElementById("send-" + match[1]);
      if (target) target.classList.add("highlight");
    });
  }

  /* One status line, always in the page (a live region that appears already filled is not
     read out): empty when there is nothing to say. */
  function showState(waiting, problems, queued) {
    if (!state) return;
    var lines = [];
    if (queued) lines.push(say(texts.tQueued, {time: moment(queued.queuedAt)}));
    if (offline()) lines.push(say(texts.tOffline, {time: root.dataset.rendered}));
    if (waiting) lines.push(say(texts.tPending, {n: waiting}));
    if (problems) lines.push(say(texts.tProblems, {n: problems}));
    var text = lines.join(" ");
    if (state.textContent !== text) state.textContent = text;
    state.classList.toggle("offline", offline());
    state.classList.toggle("problem", problems > 0);
    /* A page read from the device: what it said once is not news now. */
    var messages = document.querySelector(".messages");
    if (messages && document.body.hasAttribute("data-from-device")) messages.hidden = true;
  }

  window.addEventListener("online", function () { flush().then(keepLinked); });
  window.addEventListener("offline", render);
  /* The page first; then the worker, what waits to be sent, and the pages to keep, so that
     none of it takes the connection from the page the clerk opened. */
  function afterLoad() {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(root.dataset.worker, {scope: root.dataset.scope})
        .catch(function () { /* no worker (an old browser): the pages need the network */ });
    }
    flush().then(keepLinked);
  }
  settle().catch(function () {}).then(function () {
    render();
    if (document.readyState === "complete") afterLoad();
    else window.addEventListener("load", afterLoad);
  });
  /* While something waits, try again now and then: a connection can come back unannounced. */
  window.setInterval(function () {
    UnitSends.all().then(function (entries) {
      if (entries.some(function (entry) { return entry.owner === owner && entry.state === "waiting"; })) flush();
    });
  }, 15000);
})();

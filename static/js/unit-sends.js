/* The sends a unit's clerk made without a connection, kept on the device until the server has
   them: the unit's report and figures before a session, a report on a task with its files.
   Shared by the page (offline.js) and the service worker (recommendations/offline/sw.js).

   An entry's id is the id the device gave the send (the form's client_id): the server keeps
   it and refuses a second copy as a duplicate, so an entry sent twice is saved once. */
(function (scope) {
  "use strict";
  var NAME = "unit-sends";
  var STORE = "sends";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, {keyPath: "id"});
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var result = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () { db.close(); resolve(result && result.result); };
        /* An error, or the browser's quota refusing a large file: said, never silent. */
        transaction.onerror = transaction.onabort = function () {
          db.close();
          reject(transaction.error || new Error("aborted"));
        };
      });
    });
  }

  function newId() {
    if (scope.crypto && scope.crypto.randomUUID) return scope.crypto.randomUUID();
    var bytes = scope.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  /* A form's data as kept: every field with its value (a file as the file itself), the
     form's labels when the page gave them, and who sent it (the form's client_owner). The
     browser is asked to keep the device's storage rather than clear it when space runs low. */
  function keep(url, data, labels, state) {
    if (scope.navigator && navigator.storage && navigator.storage.persist) {
      navigator.storage.persist().catch(function () {});
    }
    var fields = [];
    data.forEach(function (value, name) { fields.push([name, value]); });
    var id = data.get("client_id") || newId();
    var entry = {
      id: id, url: url.split("#")[0], owner: data.get("client_owner") || "",
      label: data.get("client_label") || "", labels: labels || {}, fields: fields,
      state: state || "waiting", queuedAt: Date.now(),
    };
    return run("readwrite", function (store) { return store.put(entry); }).then(function () {
      return entry;
    });
  }

  scope.UnitSends = {
    newId: newId,
    keep: keep,
    all: function () {
      return run("readonly", function (store) { return store.getAll(); }).then(function (entries) {
        return (entries || []).sort(function (a, b) { return a.queuedAt - b.queuedAt; });
      });
    },
    put: function (entry) { return run("readwrite", function (store) { return store.put(entry); }); },
    remove: function (id) { return run("readwrite", function (store) { return store.delete(id); }); },
  };
})(self);

{% autoescape off %}/* The service worker of a unit's pages (recommendations/views/offline.py), version __VERSION__.

   - The unit's pages: from the network while there is one, kept as they come (only those the
     server marks as kept, in the cache of their user and unit); from the cache without one,
     or when the network has not answered in PATIENCE_MS, and only the pages of the user whose
     browser session this is (the owner cookie).
   - Their assets: kept at install, from the cache.
   - A form sent while the connection has dropped: kept on the device with its files, in the
     queue static/js/offline.js sends when the connection returns (UnitSends, unit-sends.js);
     the clerk is taken back to the page, which says so. */
"use strict";
importScripts("{{ store_url|escapejs }}");

var ASSETS = [{% for asset in assets %}"{{ asset|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var ASSET_CACHE = "unit-assets-__VERSION__";
var PAGE_CACHE_PREFIX = "unit-pages-";
var OFFLINE_URL = "{{ offline_url|escapejs }}";
var SCOPE = "{{ scope|escapejs }}";
var KEY_HEADER = "{{ key_header|escapejs }}";
var KEEPING_HEADER = "{{ keeping_header|escapejs }}";
var OWNER_COOKIE = "{{ owner_cookie|escapejs }}";
/* On a congested link the kept copy is better than a page that never comes. */
var PATIENCE_MS = 8000;
var assetPaths = new Set(ASSETS.map(function (asset) { return new URL(asset, location.href).pathname; }));

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(ASSET_CACHE).then(function (cache) {
    return cache.addAll(ASSETS.concat([OFFLINE_URL]));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("unit-assets-") === 0 && name !== ASSET_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

/* Set when the user signs out (portal.js): nothing more is kept, not even a page on its way. */
var forgotten = false;
var keeping = new Set();

/* Kept under its user's and unit's cache; any other is dropped (someone else signed in on
   this device without the first signing out). */
function keep(request, response) {
  var key = response.headers.get(KEY_HEADER);
  if (forgotten || !key || !response.ok || response.redirected) return Promise.resolve();
  var name = PAGE_CACHE_PREFIX + key;
  var work = caches.keys().then(function (names) {
    return Promise.all(names.filter(function (other) {
      return other.indexOf(PAGE_CACHE_PREFIX) === 0 && other !== name;
    }).map(function (other) { return caches.delete(other); }));
  }).then(function () {
    if (forgotten) return;
    return caches.open(name).then(function (cache) {
      if (!forgotten) return cache.put(request.url.split("#")[0], response);
    });
  });
  keeping.add(work);
  return work.finally(function () { keeping.delete(work); });
}

/* The owner of this browser session's unit pages, from the cookie the server sets with each
   of them; where the browser cannot read cookies here, the one cache there is. */
function owner() {
  if (!self.cookieStore) return Promise.resolve(null);
  return self.cookieStore.get(OWNER_COOKIE).then(function (cookie) {
    return cookie ? cookie.value : "";
  }, function () { return null; });
}

function kept(request) {
  var url = request.url.split("#")[0];
  return owner().then(function (key) {
    if (key === "") return undefined;  /* a new browser session: nobody's pages */
    if (key) return caches.open(PAGE_CACHE_PREFIX + key).then(function (cache) { return cache.match(url); });
    return caches.keys().then(function (names) {
      var pages = names.filter(function (name) { return name.indexOf(PAGE_CACHE_PREFIX) === 0; });
      return pages.length ? caches.open(pages[0]).then(function (cache) { return cache.match(url); }) : undefined;
    });
  });
}

/* The kept copy, marked so that the page says it is the copy kept on the device and when it
   was made: the browser may still believe it is online (a connection dropping on the way),
   and the page cannot read its own headers. */
function fromDevice(request) {
  return kept(request).then(function (response) {
    if (!response) return undefined;
    return response.text().then(function (html) {
      return new Response(html.replace("<body ", '<body data-from-device="1" '), {
        status: 200, headers: {"Content-Type": response.headers.get("Content-Type") || "text/html"},
      });
    });
  });
}

function page(request) {
  var network = fetch(request).then(function (response) {
    keep(request, response.clone());
    return response;
  });
  var late = new Promise(function (resolve) {
    setTimeout(function () { fromDevice(request).then(resolve); }, PATIENCE_MS);
  });
  var answer = Promise.race([network, late.then(function (copy) {
    return copy || network;
  })]);
  return answer.catch(function () {
    return fromDevice(request).then(function (copy) {
      return copy || caches.match(OFFLINE_URL);
    });
  });
}

function asset(request) {
  return caches.match(request, {cacheName: ASSET_CACHE}).then(function (response) {
    return response || fetch(request);
  });
}

/* A form sent from a unit page: to the server; if the connection drops on the way, into the
   device's queue (only a form that says who sends it: offline.js marks them), and back to
   the page with the queued send named in the address. */
function send(request) {
  var copy = request.clone();
  return fetch(request).catch(function () {
    return copy.formData().then(function (data) {
      if (!data.get("client_owner")) throw new Error("needs the network");
      return UnitSends.keep(request.url, data);
    }).then(function (entry) {
      return Response.redirect(request.url.split("#")[0] + "#queued-" + entry.id, 303);
    }).catch(function () { return caches.match(OFFLINE_URL); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== location.origin) return;
  var inScope = url.pathname.indexOf(SCOPE) === 0;
  if (request.method === "POST" && request.mode === "navigate" && inScope) {
    event.respondWith(send(request));
  } else if (request.method !== "GET") {
    return;
  } else if (assetPaths.has(url.pathname)) {
    event.respondWith(asset(request));
  } else if (request.mode === "navigate" && inScope) {
    event.respondWith(page(request));
  }
});

/* A page kept less than this long ago is not fetched again to be kept: the connection is
   the clerk's. (A page the clerk opens is always fetched, and kept anew.) */
var FRESH_MS = 60 * 60 * 1000;

function keptRecently(url) {
  return kept(new Request(url)).then(function (response) {
    var date = response && Date.parse(response.headers.get("Date"));
    return Boolean(date) && Date.now() - date < FRESH_MS;
  });
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  /* Signing out (portal.js): nothing more is kept; answered once what was on its way is
     settled, so that the page then drops it all. */
  if (data.type === "forget") {
    forgotten = true;
    event.waitUntil(Promise.allSettled(Array.from(keeping)).then(function () {
      if (event.ports[0]) event.ports[0].postMessage("forgotten");
    }));
    return;
  }
  /* The page asks for itself (loaded perhaps before the worker took over) and the unit's
     pages it links to (tasks, answers, sessions to come) to be kept, so that they read
     offline though nobody opened them yet. One at a time: what the clerk opens meanwhile
     goes first. */
  if (data.type !== "keep" || !Array.isArray(data.urls) || forgotten) return;
  event.waitUntil(data.urls.reduce(function (done, href) {
    return done.then(function () {
      var url = new URL(href, location.href);
      if (forgotten || url.origin !== location.origin || url.pathname.indexOf(SCOPE) !== 0) return;
      return keptRecently(url.href).then(function (recent) {
        if (recent) return;
        /* Not followed to the sign-in page when the session has ended: that page is not
           kept, and it would give the browser a new CSRF cookie behind the clerk's back. */
        var request = new Request(url.href, {credentials: "same-origin", redirect: "manual",
                                             headers: {[KEEPING_HEADER]: "1"}});
        return fetch(request).then(function (response) { return keep(request, response); });
      }).catch(function () {});
    });
  }, Promise.resolve()));
});
{% endautoescape %}

/* The judge's pages offline (rendered by contest/offline/views.py; never cached by HTTP).

   One versioned cache: the page shell (styles and scripts under content-hashed names), the judge's pages as
   last seen and the last score sheet. A new version (any shell file or this script changed) installs a new
   cache and removes the old ones.
   - static files: from the cache, else the network (hashed names never change content);
   - the scoring page: from the cache at once, refreshed in the background (the page then reads the sheet
     through the API), so it opens instantly and works offline after one visit;
   - match, bracket and "my events" pages, and the sheet API: the network first, the cached copy when the
     network fails or takes longer than a few seconds;
   - everything else (forms, writes, other pages) is left alone. Writes go through the outbox (outbox.js). */
"use strict";

var CACHE = "contest-" + {{ cache_version|tojson }};
var PRECACHE = {{ precache|tojson }};
var NETWORK_TIMEOUT_MS = 10000;  // a stale match form is worse than a slow one: only a long wait falls back
var SHELL = /^\/judging\/events\/\d+$/;
var PAGES = /^\/(judging\/|brackets\/matches\/\d+|brackets\/events\/\d+)$/;
var SHEET = /^\/api\/v1\/events\/\d+\/sheet$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(PRECACHE);
  }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("contest-") === 0 && name !== CACHE;
    }).map(function (name) {
      return caches.delete(name);
    }));
  }).then(function () {
    return self.clients.claim();
  }));
});

// A page opened before this worker took control asks to be kept (so one visit is enough to work offline).
// Logging out forgets the pages and sheets of this judge (the static shell stays).
self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "claim") {
    // a page that loaded while this worker was still being activated: take it over now
    event.waitUntil(self.clients.claim());
  }
  if (event.data && event.data.type === "keep-page") {
    var url = new URL(event.data.url, self.location.origin);
    if (url.origin === self.location.origin && (SHELL.test(url.pathname) || PAGES.test(url.pathname))) {
      event.waitUntil(fromCache(keyOf(url)).then(function (cached) {
        return cached || fetch(url.href, { credentials: "same-origin" }).then(function (response) {
          return keep(keyOf(url), response);
        });
      }).catch(function () { return null; }));
    }
  }
  if (event.data && event.data.type === "forget-pages") {
    event.waitUntil(caches.open(CACHE).then(function (cache) {
      return cache.keys().then(function (requests) {
        return Promise.all(requests.filter(function (request) {
          return new URL(request.url).pathname.indexOf("/static/") !== 0;
        }).map(function (request) {
          return cache.delete(request);
        }));
      });
    }));
  }
});

function keyOf(url) {
  return url.origin + url.pathname; // one copy per page, whatever its query (e.g. ?recorded=)
}

function keep(key, response) {
  // only a real page or sheet: not a redirect to the login page, not an error
  if (!response || response.status !== 200 || response.redirected || response.type !== "basic") {
    return Promise.resolve(response);
  }
  var copy = response.clone();
  return caches.open(CACHE).then(function (cache) {
    return cache.put(key, copy);
  }).then(function () {
    return response;
  });
}

function fromCache(key) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(key, { ignoreVary: true });
  });
}

function networkFirst(request, key) {
  return new Promise(function (resolve, reject) {
    var settled = false;
    var timer = setTimeout(function () {
      fromCache(key).then(function (cached) {
        if (cached && !settled) {
          settled = true;
          resolve(cached);
        }
      });
    }, NETWORK_TIMEOUT_MS);
    fetch(request).then(function (response) {
      clearTimeout(timer);
      var kept = keep(key, response);
      if (!settled) {
        settled = true;
        resolve(kept);
      }
    }, function (error) {
      clearTimeout(timer);
      fromCache(key).then(function (cached) {
        if (settled) {
          return;
        }
        settled = true;
        if (cached) {
          resolve(cached);
        } else {
          reject(error);
        }
      });
    });
  });
}

function staleWhileRevalidate(event, request, key) {
  var fresh = fetch(request).then(function (response) {
    return keep(key, response);
  });
  event.waitUntil(fresh.catch(function () { return null; }));
  return fromCache(key).then(function (cached) {
    return cached || fresh;
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(fromCache(request.url).then(function (cached) {
      return cached || fetch(request).then(function (response) {
        return response.ok && /\.[0-9a-f]{10}\.\w+$/.test(url.pathname) ? keep(request.url, response) : response;
      });
    }));
    return;
  }
  if (request.mode === "navigate" && !url.searchParams.has("projector")) {
    if (SHELL.test(url.pathname)) {
      event.respondWith(staleWhileRevalidate(event, request, keyOf(url)));
    } else if (PAGES.test(url.pathname)) {
      event.respondWith(networkFirst(request, keyOf(url)));
    }
    return;
  }
  if (SHEET.test(url.pathname)) {
    event.respondWith(networkFirst(request, keyOf(url)));
  }
});

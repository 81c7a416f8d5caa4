// The judge's outbox: ONE client queue for everything a judge sends (score sheets and match results).
//
// - Each item is stored in localStorage *before* the first attempt, with its idempotency key inside the body,
//   so a retry is byte-for-byte the same request and the server answers a replay from its records.
// - Items go out strictly in order, one at a time, from one tab at a time (Web Locks where available).
// - Network failure, timeout, 5xx, 429 and 408: the item stays and is retried with exponential backoff
//   (2 s … 30 s, jittered), at once when the browser comes back online or the page becomes visible.
// - 401: the device token is dropped and a new one is fetched once (the browser session is still valid);
//   if that fails the outbox stops and says "log in again" — nothing is dropped.
// - Any other answer (409 stale/locked/confirmation_required, 422, 403, 404, 400) is final for that item: it
//   leaves the queue and is kept in `refused` with the server's answer until the page that owns it claims it
//   (the scoring page turns it into a problem on the entry; the match page shows it; the bracket page lists it).
// - One API token per device and user, kept in localStorage until shortly before it expires.
// - A "leave page?" warning while anything is unsent; a status badge ([data-outbox-badge]) and the list of
//   unsent items ([data-outbox-list]) render themselves on every page that has them.
(function () {
  "use strict";

  var configNode = document.getElementById("outbox-config");
  if (!configNode) {
    return;
  }
  var config = JSON.parse(configNode.textContent);
  var S = config.strings || {};
  var STORE_KEY = "contest.outbox.v1.user-" + config.userId;
  var TOKEN_KEY = "contest.device-token.v1.user-" + config.userId;
  var TIMEOUT_MS = 15000;
  var MAX_BACKOFF_MS = 30000;
  var TOKEN_MARGIN_MS = 5 * 60 * 1000;

  function t(key, params) {
    var text = S[key] || key;
    if (params) {
      text = text.replace(/%\((\w+)\)[sd]/g, function (match, name) {
        return Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : match;
      });
    }
    return text;
  }

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    // crypto.randomUUID needs a secure context; a venue LAN over plain HTTP has getRandomValues only.
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // ------------------------------------------------------------------------------------------ storage

  var storageOk = true;

  function read() {
    try {
      var parsed = JSON.parse(window.localStorage.getItem(STORE_KEY) || "null");
      if (parsed && Array.isArray(parsed.items)) {
        parsed.refused = Array.isArray(parsed.refused) ? parsed.refused : [];
        return parsed;
      }
    } catch (e) {
      storageOk = false;
    }
    return { items: [], refused: [] };
  }

  var store = read();

  function write() {
    try {
      window.localStorage.setItem(STORE_KEY, JSON.stringify(store));
      storageOk = true;
    } catch (e) {
      storageOk = false;
    }
    changed();
  }

  // ------------------------------------------------------------------------------------------ device token

  function storedToken() {
    try {
      var tok = JSON.parse(window.localStorage.getItem(TOKEN_KEY) || "null");
      if (tok && tok.token && Date.parse(tok.expires_at) - TOKEN_MARGIN_MS > Date.now()) {
        return tok.token;
      }
    } catch (e) { /* storage unavailable */ }
    return null;
  }

  var memoryToken = null; // when localStorage is unavailable
  var tokenPromise = null;

  function dropToken() {
    memoryToken = null;
    try { window.localStorage.removeItem(TOKEN_KEY); } catch (e) { /* storage unavailable */ }
  }

  // The device's token: the stored one while it is valid, else one new token from the logged-in session.
  function token() {
    var known = storedToken() || memoryToken;
    if (known) {
      return Promise.resolve(known);
    }
    if (!tokenPromise) {
      tokenPromise = window.fetch(config.tokenUrl, {
        method: "POST", credentials: "same-origin", cache: "no-store", redirect: "manual",
        headers: { "X-Contest-Device": "1", "Accept": "application/json" }
      }).then(function (response) {
        if (response.status === 201) {
          return response.json().then(function (body) {
            memoryToken = body.token;
            try { window.localStorage.setItem(TOKEN_KEY, JSON.stringify(body)); } catch (e) { /* kept in memory */ }
            return body.token;
          });
        }
        var error = new Error("token " + response.status);
        error.final = response.status === 401 || response.status === 403 || response.type === "opaqueredirect";
        throw error;
      }).finally(function () {
        tokenPromise = null;
      });
    }
    return tokenPromise;
  }

  function request(method, url, body) {
    return token().then(function (bearer) {
      var controller = typeof AbortController === "function" ? new AbortController() : null;
      var timer = controller ? window.setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
      var options = {
        method: method,
        headers: { "Authorization": "Bearer " + bearer, "Accept": "application/json" },
        credentials: "omit",
        cache: "no-store",
        signal: controller ? controller.signal : undefined
      };
      if (body !== undefined) {
        options.headers["Content-Type"] = "application/json";
        options.body = JSON.stringify(body);
      }
      return window.fetch(url, options).then(function (response) {
        return response.text().then(function (text) {
          var json = null;
          try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
          return { status: response.status, body: json };
        });
      }).finally(function () {
        if (timer) {
          window.clearTimeout(timer);
        }
      });
    });
  }

  // ------------------------------------------------------------------------------------------ state

  var listeners = [];
  var net = navigator.onLine === false ? "offline" : "online";
  var sending = false;
  var expired = false;
  var attempts = 0;
  var retryTimer = null;
  var inflight = null; // the key of the request on the wire
  var tokenRetried = {};

  function changed() {
    render();
    listeners.forEach(function (fn) {
      try { fn(); } catch (e) { window.console && window.console.error(e); }
    });
  }

  function setNet(state) {
    if (net !== state) {
      net = state;
      changed();
    }
  }

  function retryable(status) {
    return status >= 500 || status === 429 || status === 408 || status === 0;
  }

  function scheduleRetry() {
    if (retryTimer) {
      window.clearTimeout(retryTimer);
    }
    var delay = Math.min(MAX_BACKOFF_MS, 2000 * Math.pow(2, Math.min(attempts, 4)));
    delay = Math.round(delay * (0.8 + Math.random() * 0.4));
    attempts += 1;
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      pump();
    }, delay);
  }

  function retryNow() {
    attempts = 0;
    if (retryTimer) {
      window.clearTimeout(retryTimer);
      retryTimer = null;
    }
    pump();
  }

  function withLock(fn) {
    if (navigator.locks && typeof navigator.locks.request === "function") {
      return navigator.locks.request("contest-outbox-" + config.userId, fn);
    }
    return fn();
  }

  // Send the first item; on a final answer, carry on with the next. One request at a time.
  function pump() {
    if (sending || expired) {
      return;
    }
    store = read();
    if (!store.items.length) {
      changed();
      return;
    }
    sending = true;
    changed();
    withLock(function () {
      store = read(); // another tab may have sent it meanwhile
      var item = store.items[0];
      if (!item) {
        return "empty";
      }
      inflight = item.key;
      return request(item.method, item.url, item.body).then(function (response) {
        inflight = null;
        if (response.status === 401 && !tokenRetried[item.key]) {
          dropToken(); // the device's token expired or was revoked: one new token, one more try
          tokenRetried[item.key] = true;
          return "again";
        }
        if (response.status === 401) {
          expired = true;
          return "stop";
        }
        if (retryable(response.status)) {
          return "retry";
        }
        store = read();
        store.items = store.items.filter(function (other) { return other.key !== item.key; });
        write();
        if (response.status < 300) {
          done(item, response);
        } else {
          refuse(item, response);
        }
        return "next";
      }, function (error) {
        inflight = null;
        if (error && error.final) {
          expired = true;
          return "stop";
        }
        return "offline";
      });
    }).then(function (outcome) {
      sending = false;
      if (outcome === "next" || outcome === "again") {
        attempts = 0;
        setNet("online");
        changed();
        pump();
      } else if (outcome === "retry") {
        setNet("online");
        scheduleRetry();
      } else if (outcome === "offline") {
        setNet("offline");
        scheduleRetry();
      } else {
        changed();
      }
    });
  }

  var doneHandlers = {};
  var claimers = {};

  function done(item, response) {
    var handler = doneHandlers[item.kind];
    if (handler) {
      try { handler(item, response); } catch (e) { window.console && window.console.error(e); }
    }
  }

  // A final refusal: kept with the server's answer until its page claims it.
  function refuse(item, response) {
    var error = (response.body && response.body.error) || {};
    item.refusal = { status: response.status, code: error.code || String(response.status),
      message: error.message || t("refused"), body: response.body, at: Date.now() };
    store = read();
    store.refused.push(item);
    write();
    claimRefused();
  }

  // Offer every kept refusal to the page that owns its kind; the claimed ones leave the store.
  function claimRefused() {
    var claimed = read().refused.filter(function (item) {
      var claimer = claimers[item.kind];
      return Boolean(claimer && claimer(item));
    }).map(function (item) { return item.key; });
    if (claimed.length) {
      store = read();
      store.refused = store.refused.filter(function (item) { return claimed.indexOf(item.key) === -1; });
      write();
    }
    return claimed.length > 0;
  }

  // ------------------------------------------------------------------------------------------ rendering

  function render() {
    var count = store.items.length;
    var shown = expired ? "expired" : sending && net !== "offline" ? "sending" : net;
    Array.prototype.forEach.call(document.querySelectorAll("[data-outbox-badge]"), function (badge) {
      badge.dataset.state = shown;
      badge.dataset.count = String(count);
      badge.className = badge.dataset.baseClass + " net-" + shown;
      badge.textContent = t(shown === "expired" ? "expired_short" : shown === "offline" ? "net_offline" : shown === "sending" ? "net_sending" : "net_online");
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-outbox-count]"), function (node) {
      node.dataset.count = String(count);
      node.hidden = count === 0;
      node.textContent = t("unsent", { count: count });
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-outbox-expired]"), function (node) {
      node.hidden = !expired;
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-outbox-list]"), renderList);
  }

  function renderList(box) {
    var kinds = (box.dataset.outboxList || "").split(",").filter(Boolean);
    var wanted = function (item) { return !kinds.length || kinds.indexOf(item.kind) !== -1; };
    var items = store.items.filter(wanted);
    var refused = store.refused.filter(wanted);
    box.hidden = !items.length && !refused.length;
    box.dataset.count = String(items.length);
    var list = box.querySelector("ul") || box.appendChild(document.createElement("ul"));
    list.className = "list-unstyled mb-0 outbox-items";
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "outbox-item";
      li.dataset.key = item.key;
      li.dataset.state = "waiting";
      li.appendChild(link(item));
      li.appendChild(document.createTextNode(" · " + t("waiting") + " · " + new Date(item.at).toLocaleTimeString()));
      list.appendChild(li);
    });
    refused.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "outbox-item text-danger";
      li.dataset.key = item.key;
      li.dataset.state = "refused";
      li.appendChild(link(item));
      li.appendChild(document.createTextNode(" · " + t("refused_item", { message: item.refusal.message }) + " "));
      var dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.className = "btn btn-sm btn-outline-secondary outbox-dismiss";
      dismiss.textContent = t("dismiss");
      dismiss.addEventListener("click", function () { api.dismiss(item.key); });
      li.appendChild(dismiss);
      list.appendChild(li);
    });
    var retry = box.querySelector("[data-outbox-retry]");
    if (retry) {
      retry.hidden = !items.length;
    }
  }

  function link(item) {
    var a = document.createElement(item.page ? "a" : "span");
    if (item.page) {
      a.href = item.page;
    }
    a.textContent = item.label || item.kind;
    return a;
  }

  // ------------------------------------------------------------------------------------------ public API

  var api = {
    // Queue a request: {kind, method, url, body, label, page, meta}. The body gets the idempotency key.
    add: function (spec) {
      store = read();
      var key = spec.key || uuid();
      var body = Object.assign({}, spec.body || {}, { idempotency_key: key });
      var item = { key: key, kind: spec.kind, method: spec.method || "PUT", url: spec.url, body: body,
        label: spec.label || "", page: spec.page || null, meta: spec.meta || {}, at: Date.now() };
      store.items.push(item);
      write();
      attempts = 0;
      pump();
      return item;
    },
    items: function (kind) {
      return store.items.filter(function (item) { return !kind || item.kind === kind; });
    },
    // Take items out of the queue that were built on something now refused (e.g. later changes of one entry).
    drop: function (predicate) {
      store = read();
      var dropped = store.items.filter(function (item) { return item.key !== inflight && predicate(item); });
      store.items = store.items.filter(function (item) { return dropped.indexOf(item) === -1; });
      write();
      return dropped;
    },
    dismiss: function (key) {
      store = read();
      store.refused = store.refused.filter(function (item) { return item.key !== key; });
      write();
    },
    onDone: function (kind, fn) { doneHandlers[kind] = fn; },
    // fn(item) → true when the page has taken over the refusal; called now and after every refusal.
    claim: function (kind, fn) {
      claimers[kind] = fn;
      claimRefused();
    },
    onChange: function (fn) { listeners.push(fn); },
    request: request,
    retryNow: retryNow,
    state: function () { return { net: net, sending: sending, expired: expired, storageOk: storageOk, count: store.items.length }; },
    t: t
  };
  window.ContestOutbox = api;

  // ------------------------------------------------------------------------------------------ wiring

  Array.prototype.forEach.call(document.querySelectorAll("[data-outbox-badge]"), function (badge) {
    badge.dataset.baseClass = badge.className.replace(/\bnet-\S+/g, "").trim();
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-outbox-retry]"), function (button) {
    button.addEventListener("click", retryNow);
  });
  window.addEventListener("online", function () {
    setNet("online");
    retryNow();
  });
  window.addEventListener("offline", function () {
    setNet("offline");
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      retryNow();
    }
  });
  window.addEventListener("storage", function (event) {
    if (event.key === STORE_KEY) {
      store = read();
      if (!claimRefused()) {
        changed();
      }
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (read().items.length) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  // Log out: forget the device token and the cached pages of this judge.
  document.addEventListener("submit", function (event) {
    if (event.target && event.target.matches && event.target.matches("[data-logout]")) {
      dropToken();
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({ type: "forget-pages" });
      }
    }
  });
  if ("serviceWorker" in navigator && config.serviceWorker) {
    navigator.serviceWorker.register(config.serviceWorker, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (registration.active) {
        if (!navigator.serviceWorker.controller) {
          registration.active.postMessage({ type: "claim" });
        }
        registration.active.postMessage({ type: "keep-page", url: window.location.pathname });
      }
    }).catch(function () { /* no offline reload */ });
  }
  render();
  window.setTimeout(pump, 0);
})();

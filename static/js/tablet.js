// Tablet score entry (templates/judging/tablet.html).
//
// Never lose a score:
// - every keystroke is kept in localStorage as a draft (per event, judge and competitor number) until the
//   server has confirmed that value;
// - "Submit" turns the entry's new or changed values into a submission with a client-generated idempotency
//   key, stored in a queue in localStorage *before* anything is sent;
// - the queue is sent strictly in order, one request at a time; on a network failure, timeout, 5xx or 429 the
//   submission stays queued and is retried with the SAME key (on the `online` event and with backoff), so a
//   request that reached the server but whose answer was lost is answered from the server's idempotency record
//   instead of being written twice;
// - a definite refusal (409 stale/locked, 422) takes the submission out of the queue and shows it on the entry;
//   the typed values stay as drafts so the judge decides what to do; on 401 the queue is kept and the judge
//   is asked to reload the page (which brings a fresh token).
(function () {
  "use strict";

  var root = document.getElementById("tablet");
  var dataNode = document.getElementById("tablet-data");
  if (!root || !dataNode) {
    return;
  }
  var data = JSON.parse(dataNode.textContent);
  var S = data.strings;
  var sheet = data.sheet;
  var STORE_KEY = "contest.tablet.v1.event-" + data.eventId + ".judge-" + data.judgeId;
  var TIMEOUT_MS = 15000;
  var MAX_BACKOFF_MS = 30000;

  // ------------------------------------------------------------------------------------------ helpers

  function t(key, params) {
    var text = S[key] || key;
    if (params) {
      text = text.replace(/%\((\w+)\)[sd]/g, function (match, name) {
        return Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : match;
      });
    }
    return text;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) {
        return;
      }
      if (name === "text") {
        node.textContent = value;
      } else if (name === "className") {
        node.className = value;
      } else if (name.indexOf("on") === 0) {
        node.addEventListener(name.slice(2), value);
      } else {
        node.setAttribute(name, value === true ? "" : value);
      }
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function cellKey(number, criterionId) {
    return number + ":" + criterionId;
  }

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    // crypto.randomUUID needs a secure context (HTTPS or localhost); a venue LAN over plain HTTP has only
    // getRandomValues, which is enough for a version 4 UUID.
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // Marks as integer hundredths, never floats: "8.5" → 850; null when not a number with at most two decimals.
  function hundredths(text) {
    var match = /^\s*(\d{1,6})(?:[.](\d{0,2}))?\s*$/.exec(text == null ? "" : String(text));
    if (!match) {
      return null;
    }
    return parseInt(match[1], 10) * 100 + parseInt(((match[2] || "") + "00").slice(0, 2), 10);
  }

  function showMark(x100) {
    var cents = x100 % 100;
    return Math.floor(x100 / 100) + "." + (cents < 10 ? "0" : "") + cents;
  }

  function numberLabel(number) {
    return (number < 10 ? "0" : "") + number;
  }

  // ------------------------------------------------------------------------------------------ state

  var criteria = sheet.criteria;
  var numbers = [];
  var server = {}; // "number:criterion" → {value, version}, as the server last told us

  function takeSheet(fresh) {
    sheet = fresh;
    criteria = fresh.criteria;
    numbers = fresh.entries.map(function (e) { return e.competitor_number; });
    server = {};
    fresh.scores.forEach(function (s) {
      server[cellKey(s.competitor_number, s.criterion_id)] = { value: s.value, version: s.version };
    });
  }
  takeSheet(sheet);

  var storageOk = true;

  function emptyStore() {
    return { drafts: {}, queue: [], problems: {} };
  }

  function loadStore() {
    try {
      var raw = window.localStorage.getItem(STORE_KEY);
      var parsed = raw ? JSON.parse(raw) : null;
      if (parsed && typeof parsed === "object" && Array.isArray(parsed.queue)) {
        parsed.drafts = parsed.drafts || {};
        parsed.problems = parsed.problems || {};
        return parsed;
      }
    } catch (e) {
      storageOk = false;
    }
    return emptyStore();
  }

  var store = loadStore();

  function save() {
    try {
      window.localStorage.setItem(STORE_KEY, JSON.stringify(store));
      storageOk = true;
    } catch (e) {
      storageOk = false;
    }
    renderStorageWarning();
  }

  function draftOf(number) {
    return store.drafts[number] || { values: {}, reasons: {} };
  }

  function setDraft(number, criterionId, value, reason) {
    var draft = store.drafts[number] || { values: {}, reasons: {} };
    if (value !== undefined) {
      draft.values[criterionId] = value;
    }
    if (reason !== undefined) {
      draft.reasons[criterionId] = reason;
    }
    store.drafts[number] = draft;
    tidyDraft(number);
    save();
  }

  // A draft value equal to what is already confirmed or queued is no longer a draft.
  function tidyDraft(number) {
    var draft = store.drafts[number];
    if (!draft) {
      return;
    }
    Object.keys(draft.values).forEach(function (cid) {
      var value = draft.values[cid];
      var base = baseline(number, +cid);
      var same = base === null ? value === "" : hundredths(value) !== null && hundredths(value) === hundredths(base.value);
      if (same) {
        delete draft.values[cid];
        delete draft.reasons[cid];
      }
    });
    if (!Object.keys(draft.values).length) {
      delete store.drafts[number];
    }
  }

  function queuedItem(number, criterionId) {
    var found = null;
    store.queue.forEach(function (sub) {
      sub.items.forEach(function (item) {
        if (item.competitor_number === number && item.criterion_id === criterionId) {
          found = item;
        }
      });
    });
    return found;
  }

  // What the value will be once the queue has drained: the last queued value, else the server's.
  function baseline(number, criterionId) {
    var item = queuedItem(number, criterionId);
    if (item) {
      return { value: item.value, version: (item.version || 0) + 1, queued: true };
    }
    var score = server[cellKey(number, criterionId)];
    return score ? { value: score.value, version: score.version, queued: false } : null;
  }

  function currentValue(number, criterionId) {
    var draft = draftOf(number);
    if (Object.prototype.hasOwnProperty.call(draft.values, criterionId)) {
      return draft.values[criterionId];
    }
    var base = baseline(number, criterionId);
    return base ? base.value : "";
  }

  function hasDraft(number) {
    return Object.keys(draftOf(number).values).length > 0;
  }

  function isQueued(number) {
    return store.queue.some(function (sub) { return sub.number === number; });
  }

  function entryStatus(number) {
    if (store.problems[number]) {
      return "problem";
    }
    if (isQueued(number)) {
      return "queued";
    }
    if (hasDraft(number)) {
      return "draft";
    }
    var scored = criteria.filter(function (c) { return server[cellKey(number, c.id)]; }).length;
    if (scored && scored === criteria.length) {
      return "submitted";
    }
    return scored ? "partial" : "new";
  }

  var STATUS_LABEL = {
    "new": "status_new", draft: "status_draft", queued: "status_queued", partial: "status_partial",
    submitted: "status_submitted", problem: "status_problem"
  };

  function writable() {
    var ev = sheet.event;
    if (ev.open) {
      return true;
    }
    return ev.signed_off && ev.chief && (ev.status === "running" || ev.status === "scored");
  }

  // ------------------------------------------------------------------------------------------ network state

  var net = navigator.onLine === false ? "offline" : "online";
  var sending = false;
  var expired = false;
  var attempts = 0;
  var retryTimer = null;

  function setNet(state) {
    net = state;
    renderHeader();
  }

  // ------------------------------------------------------------------------------------------ rendering

  var netBadge = document.getElementById("net");
  var unsentBadge = document.getElementById("unsent");
  var banner = document.getElementById("banner");
  var lockBanner = document.getElementById("lock");
  var storageBanner = document.getElementById("storage");
  var grid = document.getElementById("entries");
  var filter = document.getElementById("filter");
  var pane = document.getElementById("entry");
  var selected = null;

  function renderHeader() {
    var shown = sending && net !== "offline" ? "sending" : net;
    netBadge.dataset.state = shown;
    netBadge.className = "net-badge net-" + shown;
    netBadge.textContent = t(shown === "offline" ? "net_offline" : shown === "sending" ? "net_sending" : "net_online");
    var count = store.queue.length;
    unsentBadge.dataset.count = String(count);
    unsentBadge.hidden = count === 0;
    unsentBadge.textContent = t("unsent", { count: count });
    if (expired) {
      banner.hidden = false;
      banner.className = "alert alert-danger tablet-banner";
      banner.dataset.state = "expired";
      banner.textContent = t("expired");
      banner.appendChild(el("button", { type: "button", className: "btn btn-danger ms-3", text: t("reload"),
        onclick: function () { window.location.reload(); } }));
    } else if (net === "offline") {
      banner.hidden = false;
      banner.className = "alert alert-warning tablet-banner";
      banner.dataset.state = "offline";
      banner.textContent = t("offline");
    } else {
      banner.hidden = true;
      banner.dataset.state = "";
      banner.textContent = "";
    }
    renderLock();
  }

  function renderLock() {
    var ev = sheet.event;
    var message = null;
    var kind = "secondary";
    if (ev.signed_off && writable()) {
      message = t("chief_corrections");
      kind = "info";
    } else if (ev.signed_off) {
      message = t("locked");
    } else if (!ev.open) {
      message = t("closed");
    }
    lockBanner.hidden = !message;
    lockBanner.className = "alert alert-" + kind + " tablet-banner";
    lockBanner.dataset.state = message ? (writable() ? "corrections" : "locked") : "";
    lockBanner.textContent = message || "";
    root.classList.toggle("is-locked", !writable());
  }

  function renderStorageWarning() {
    storageBanner.hidden = storageOk;
  }

  function renderGrid() {
    var query = (filter.value || "").replace(/\D/g, "");
    grid.textContent = "";
    var shown = 0;
    numbers.forEach(function (number) {
      if (query && String(number).indexOf(query) === -1 && numberLabel(number).indexOf(query) === -1) {
        return;
      }
      shown += 1;
      var status = entryStatus(number);
      grid.appendChild(el("button", {
        type: "button",
        className: "entry-btn entry-" + status + (number === selected ? " is-selected" : ""),
        "data-number": number,
        "data-status": status,
        "aria-pressed": number === selected ? "true" : "false",
        "aria-label": t("number_label", { number: numberLabel(number) }) + " · " + t(STATUS_LABEL[status]),
        onclick: function () { openEntry(number); }
      }, [
        el("span", { className: "entry-no", text: numberLabel(number) }),
        el("span", { className: "entry-state", text: t(STATUS_LABEL[status]) })
      ]));
    });
    if (!shown) {
      grid.appendChild(el("p", { className: "text-muted mb-0 p-2", text: numbers.length ? t("no_match") : t("no_entries") }));
    }
    var done = numbers.filter(function (n) {
      return criteria.length && criteria.every(function (c) { return server[cellKey(n, c.id)]; });
    }).length;
    document.getElementById("progress").textContent = t("progress", { done: done, total: numbers.length });
  }

  // The entry form is built once per opened number; typing only updates it in place (focus is kept).
  var rows = {};

  function openEntry(number) {
    if (numbers.indexOf(number) === -1) {
      return;
    }
    selected = number;
    root.classList.add("has-entry");
    renderGrid();
    buildForm();
    pane.scrollIntoView({ block: "start", behavior: "auto" });
  }

  function closeEntry() {
    selected = null;
    root.classList.remove("has-entry");
    renderGrid();
    buildForm();
  }

  function buildForm() {
    pane.textContent = "";
    rows = {};
    if (selected === null) {
      pane.appendChild(el("div", { className: "entry-placeholder text-muted", text: t("choose") }));
      return;
    }
    var number = selected;
    var readOnly = !writable();
    var header = el("div", { className: "entry-head" }, [
      el("button", { type: "button", className: "btn btn-outline-secondary back-btn", text: "‹ " + t("back"), onclick: closeEntry }),
      el("h2", { className: "entry-title", "data-testid": "entry-title" }, [
        el("span", { className: "entry-title-label", text: t("competitor_number") }),
        el("span", { className: "entry-title-no", text: numberLabel(number) })
      ]),
      el("span", { id: "entry-status", className: "badge entry-badge" })
    ]);
    pane.appendChild(header);
    pane.appendChild(el("div", { id: "problem", className: "alert alert-danger", hidden: true, role: "alert", "data-testid": "problem" }));

    var form = el("form", { className: "entry-form", novalidate: true, autocomplete: "off" });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submitEntry(number);
    });
    var groups = [];
    criteria.forEach(function (c) {
      var last = groups[groups.length - 1];
      if (!last || last.name !== c.component) {
        groups.push({ name: c.component, items: [c] });
      } else {
        last.items.push(c);
      }
    });
    groups.forEach(function (group) {
      var fieldset = el("fieldset", { className: "component" }, [el("legend", { className: "component-name", text: group.name })]);
      group.items.forEach(function (c) {
        fieldset.appendChild(buildRow(number, c, readOnly));
      });
      form.appendChild(fieldset);
    });
    var submit = el("button", { type: "submit", id: "submit", className: "btn btn-union btn-lg submit-btn", text: t("submit"), "data-testid": "submit" });
    var next = el("button", { type: "button", className: "btn btn-outline-secondary btn-lg", text: t("next") + " ›", onclick: function () { openNext(number); } });
    form.appendChild(el("div", { className: "entry-actions" }, [
      el("p", { id: "submit-hint", className: "submit-hint text-muted mb-0", "aria-live": "polite" }),
      el("div", { className: "entry-buttons" }, [next, readOnly ? null : submit])
    ]));
    pane.appendChild(form);
    refreshForm();
  }

  function buildRow(number, c, readOnly) {
    var id = "c-" + c.id;
    var judgement = c.kind === "judgement";
    var row = { criterion: c };
    var maxText = judgement ? t("judgement_range") : t("max_marks", { max: c.range.max });
    var label = el("label", { className: "crit-label", "for": judgement ? null : id, id: id + "-label" }, [
      el("span", { className: "crit-name", text: c.name }),
      el("span", { className: "crit-max", text: maxText })
    ]);
    var control;
    if (judgement) {
      row.buttons = [];
      control = el("div", { className: "judgement", role: "radiogroup", "aria-labelledby": id + "-label", "data-criterion": c.id });
      ["0", "1", "2", "3"].forEach(function (v) {
        var b = el("button", { type: "button", className: "judgement-btn", role: "radio", "aria-checked": "false", "data-value": v,
          text: v, disabled: readOnly, onclick: function () { onValue(number, c.id, v); } });
        row.buttons.push(b);
        control.appendChild(b);
      });
    } else {
      row.input = el("input", { id: id, className: "form-control mark-input", type: "text", inputmode: "decimal",
        autocomplete: "off", enterkeyhint: "done", "data-criterion": c.id, "aria-describedby": id + "-msg", readonly: readOnly,
        placeholder: "0 – " + c.range.max });
      row.input.value = currentValue(number, c.id);
      row.input.addEventListener("input", function () { onValue(number, c.id, row.input.value); });
      control = row.input;
    }
    row.message = el("div", { id: id + "-msg", className: "crit-msg", "aria-live": "polite" });
    row.note = el("div", { className: "crit-note text-muted" });
    row.reason = el("input", { id: id + "-reason", className: "form-control reason-input", type: "text", maxlength: "500",
      "data-reason": c.id, placeholder: t("reason_placeholder"), readonly: readOnly });
    row.reason.value = draftOf(number).reasons[c.id] || "";
    row.reason.addEventListener("input", function () {
      setDraft(number, c.id, undefined, row.reason.value);
      refreshForm();
    });
    row.reasonBox = el("div", { className: "reason-box", hidden: true }, [
      el("label", { className: "form-label small mb-1", "for": id + "-reason", text: t("reason_label") }), row.reason
    ]);
    row.stale = el("div", { className: "stale-box", hidden: true });
    row.node = el("div", { className: "crit-row", "data-criterion": c.id }, [
      el("div", { className: "crit-main" }, [label, control]),
      row.note, row.stale, row.message, row.reasonBox
    ]);
    rows[c.id] = row;
    return row.node;
  }

  function onValue(number, criterionId, value) {
    if (!writable()) {
      return;
    }
    var draft = draftOf(number);
    if (!Object.prototype.hasOwnProperty.call(draft.values, criterionId) || draft.values[criterionId] !== value) {
      setDraft(number, criterionId, value);
    }
    refreshForm();
    renderGrid();
  }

  // Per-criterion check: {state: "empty"|"same"|"changed"|"invalid", message, needsReason}
  function check(number, c) {
    var value = currentValue(number, c.id);
    var base = baseline(number, c.id);
    var ev = sheet.event;
    var result = { value: value, base: base, needsReason: false, message: "" };
    var x100 = hundredths(value);
    var max = hundredths(c.range.max);
    if (value === "" || value == null) {
      result.state = base ? "invalid" : "empty";
      if (base) {
        result.message = t("required_again");
      }
      return result;
    }
    if (x100 === null) {
      result.state = "invalid";
      result.message = c.kind === "judgement" ? t("judgement_range") : t("not_a_number");
      return result;
    }
    if (x100 > max || (c.kind === "judgement" && x100 % 100 !== 0)) {
      result.state = "invalid";
      result.message = c.kind === "judgement" ? t("judgement_range") : t("too_high", { max: c.range.max });
      return result;
    }
    if (base && hundredths(base.value) === x100) {
      result.state = "same";
      return result;
    }
    result.state = "changed";
    result.x100 = x100;
    result.needsReason = Boolean(base) || ev.signed_off;
    if (result.needsReason && !(draftOf(number).reasons[c.id] || "").trim()) {
      result.state = "invalid";
      result.missingReason = true;
      result.message = ev.signed_off ? t("reason_correction") : t("reason_needed");
    }
    return result;
  }

  function refreshForm() {
    if (selected === null) {
      return;
    }
    var number = selected;
    var changed = 0;
    var invalid = 0;
    var problem = store.problems[number];
    var details = {};
    if (problem && problem.details) {
      problem.details.forEach(function (d) { details[d.criterion_id] = d; });
    }
    criteria.forEach(function (c) {
      var row = rows[c.id];
      if (!row) {
        return;
      }
      var r = check(number, c);
      if (r.state === "changed") {
        changed += 1;
      }
      if (r.state === "invalid") {
        invalid += 1;
        if (r.missingReason) {
          changed += 1;
        }
      }
      var badValue = r.state === "invalid" && !r.missingReason;
      row.node.classList.toggle("is-invalid", r.state === "invalid");
      row.node.classList.toggle("is-changed", r.state === "changed" || Boolean(r.missingReason));
      if (row.input) {
        row.input.classList.toggle("is-invalid", badValue);
        row.input.setAttribute("aria-invalid", badValue ? "true" : "false");
        if (document.activeElement !== row.input && row.input.value !== r.value) {
          row.input.value = r.value;
        }
      }
      if (row.buttons) {
        row.buttons.forEach(function (b) {
          var on = r.value !== "" && hundredths(b.dataset.value) === hundredths(r.value);
          b.classList.toggle("is-on", on);
          b.setAttribute("aria-checked", on ? "true" : "false");
        });
      }
      row.message.textContent = r.message;
      row.message.classList.toggle("text-danger", r.state === "invalid");
      var detail = details[c.id];
      if (detail && detail.message) {
        row.message.textContent = detail.message;
        row.message.classList.add("text-danger");
      }
      // what the server (or the queue) holds for this criterion
      var note = "";
      if (r.base && r.base.queued) {
        note = t("queued_value", { value: r.base.value });
      } else if (r.base) {
        note = t("submitted_value", { value: r.base.value });
      }
      row.note.textContent = note;
      row.reasonBox.hidden = !r.needsReason;
      // a stale conflict: show the current server value and let the judge choose
      row.stale.textContent = "";
      row.stale.hidden = true;
      if (detail && detail.current) {
        var mine = currentValue(number, c.id);
        if (hundredths(mine) !== hundredths(detail.current.value)) {
          row.stale.hidden = false;
          row.stale.appendChild(el("span", { text: t("stale_value", { value: detail.current.value }) + " " }));
          row.stale.appendChild(el("button", { type: "button", className: "btn btn-sm btn-outline-dark", text: t("use_server"),
            "data-use-server": c.id, onclick: function () { useServer(number, c.id); } }));
        }
      }
    });
    var status = entryStatus(number);
    var badge = document.getElementById("entry-status");
    badge.textContent = t(STATUS_LABEL[status]);
    badge.className = "badge entry-badge badge-" + status;
    badge.dataset.status = status;
    var box = document.getElementById("problem");
    if (problem) {
      box.hidden = false;
      box.textContent = problem.message || "";
    } else {
      box.hidden = true;
      box.textContent = "";
    }
    var submit = document.getElementById("submit");
    var hint = document.getElementById("submit-hint");
    if (submit) {
      submit.disabled = !writable() || invalid > 0 || changed === 0;
      hint.textContent = invalid ? t("fix_first") : changed ? t("ready", { count: changed }) : isQueued(number) ? t("waiting") : "";
    }
  }

  function useServer(number, criterionId) {
    var draft = store.drafts[number];
    if (draft) {
      delete draft.values[criterionId];
      delete draft.reasons[criterionId];
    }
    var problem = store.problems[number];
    if (problem && problem.details) {
      problem.details = problem.details.filter(function (d) { return d.criterion_id !== criterionId; });
      if (!problem.details.length) {
        delete store.problems[number];
      }
    }
    tidyDraft(number);
    save();
    buildForm();
    renderGrid();
  }

  function openNext(number) {
    var after = numbers.filter(function (n) { return n > number; }).concat(numbers.filter(function (n) { return n < number; }));
    var next = after.filter(function (n) { return entryStatus(n) !== "submitted"; })[0];
    openEntry(next !== undefined ? next : after[0] !== undefined ? after[0] : number);
  }

  // ------------------------------------------------------------------------------------------ submitting

  function submitEntry(number) {
    if (!writable()) {
      return;
    }
    var items = [];
    var bad = false;
    criteria.forEach(function (c) {
      var r = check(number, c);
      if (r.state === "invalid") {
        bad = true;
      }
      if (r.state !== "changed") {
        return;
      }
      var item = { competitor_number: number, criterion_id: c.id, value: showMark(r.x100) };
      if (r.base) {
        item.version = r.base.version;
      }
      if (r.needsReason) {
        item.reason = (draftOf(number).reasons[c.id] || "").trim();
      }
      items.push(item);
    });
    if (bad || !items.length) {
      refreshForm();
      return;
    }
    // The key and the exact body are fixed here and stored before the first attempt: every retry is identical.
    store.queue.push({ key: uuid(), number: number, items: items, at: Date.now() });
    delete store.problems[number];
    save();
    refreshForm();
    renderGrid();
    renderHeader();
    attempts = 0;
    pump();
  }

  function request(method, url, body) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller ? window.setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    var options = {
      method: method,
      headers: { "Authorization": "Bearer " + data.token, "Accept": "application/json" },
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
        try {
          json = text ? JSON.parse(text) : null;
        } catch (e) {
          json = null;
        }
        return { status: response.status, body: json };
      });
    }).finally(function () {
      if (timer) {
        window.clearTimeout(timer);
      }
    });
  }

  function scheduleRetry() {
    if (retryTimer) {
      window.clearTimeout(retryTimer);
    }
    var delay = Math.min(MAX_BACKOFF_MS, 2000 * Math.pow(2, Math.min(attempts, 5)));
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

  function removeSubmission(key) {
    store.queue = store.queue.filter(function (sub) { return sub.key !== key; });
  }

  function applySaved(saved) {
    (saved || []).forEach(function (s) {
      var k = cellKey(s.competitor_number, s.criterion_id);
      var known = server[k];
      // a replayed answer may be older than what the sheet already shows: never go backwards
      if (!known || known.version <= s.version) {
        server[k] = { value: s.value, version: s.version };
      }
    });
  }

  function refuse(sub, problem) {
    // The server's answer is final for this key: keep the values as drafts, drop this submission and any later
    // one for the same entry (they were built on it; the drafts already hold their values).
    store.queue = store.queue.filter(function (other) { return other.key !== sub.key && other.number !== sub.number; });
    store.problems[sub.number] = problem;
  }

  function handle(sub, response) {
    var body = response.body || {};
    var error = body.error || {};
    if (response.status === 200 && body.saved) {
      applySaved(body.saved);
      removeSubmission(sub.key);
      tidyDraft(sub.number);
      return "ok";
    }
    if (response.status === 401) {
      expired = true;
      return "stop";
    }
    if (response.status >= 500 || response.status === 429 || response.status === 408 || response.status === 200) {
      return "retry";
    }
    if (response.status === 409 && error.code === "stale") {
      var details = (error.details || []).map(function (d) {
        if (d.current) {
          server[cellKey(d.competitor_number, d.criterion_id)] = { value: d.current.value, version: d.current.version };
        } else {
          delete server[cellKey(d.competitor_number, d.criterion_id)];
        }
        return { criterion_id: d.criterion_id, current: d.current, message: t("stale_detail") };
      });
      refuse(sub, { code: "stale", message: error.message || t("stale_detail"), details: details });
      return "refused";
    }
    if (response.status === 409 && error.code === "locked") {
      refuse(sub, { code: "locked", message: error.message || t("locked") });
      sheet.event.open = false;
      return "locked";
    }
    if (response.status === 422 && Array.isArray(error.details)) {
      var perItem = error.details.map(function (d) {
        var item = sub.items[d.index] || {};
        return { criterion_id: d.criterion_id != null ? d.criterion_id : item.criterion_id, message: d.message };
      });
      refuse(sub, { code: "invalid", message: error.message || t("refused"), details: perItem });
      return "refused";
    }
    refuse(sub, { code: error.code || String(response.status), message: error.message || t("refused") });
    return "refused";
  }

  function pump() {
    if (sending || expired) {
      return;
    }
    var sub = store.queue[0];
    if (!sub) {
      return;
    }
    sending = true;
    renderHeader();
    request("PUT", data.scoresUrl, { idempotency_key: sub.key, scores: sub.items }).then(function (response) {
      var outcome = handle(sub, response);
      sending = false;
      if (outcome === "retry") {
        setNet(navigator.onLine === false ? "offline" : "online");
        scheduleRetry();
      } else {
        attempts = 0;
        setNet("online");
      }
      save();
      renderAll();
      if (outcome === "locked") {
        refreshSheet();
      }
      if (outcome === "ok" || outcome === "refused" || outcome === "locked") {
        if (store.queue.length) {
          pump();
        } else if (outcome === "ok") {
          refreshSheet();
        }
      }
    }, function () {
      // fetch rejected: no connection, or our timeout. The submission stays queued with its key.
      sending = false;
      setNet("offline");
      scheduleRetry();
    });
  }

  function refreshSheet() {
    if (sending || store.queue.length || expired) {
      return;
    }
    request("GET", data.sheetUrl).then(function (response) {
      if (response.status === 401) {
        expired = true;
      } else if (response.status === 200 && response.body && response.body.event && !sending && !store.queue.length) {
        takeSheet(response.body);
        numbers.forEach(tidyDraft);
        save();
      }
      renderAll();
      if (selected !== null) {
        buildForm();
      }
    }, function () {
      setNet("offline");
    });
  }

  function renderAll() {
    renderHeader();
    renderGrid();
    refreshForm();
  }

  // ------------------------------------------------------------------------------------------ wiring

  filter.addEventListener("input", renderGrid);
  filter.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();
      var wanted = parseInt(filter.value.replace(/\D/g, ""), 10);
      var match = numbers.indexOf(wanted) !== -1 ? wanted : null;
      if (match === null) {
        var visible = grid.querySelectorAll("[data-number]");
        match = visible.length === 1 ? parseInt(visible[0].dataset.number, 10) : null;
      }
      if (match !== null) {
        openEntry(match);
      }
    }
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
  // another tab of the same judge changed the stored drafts or queue
  window.addEventListener("storage", function (event) {
    if (event.key === STORE_KEY) {
      store = loadStore();
      renderAll();
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (store.queue.length && !storageOk) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  numbers.forEach(tidyDraft);
  save();
  renderAll();
  buildForm();
  root.dataset.ready = "true";
  pump();
})();

// Tablet score entry (templates/judging/tablet.html).
//
// Never lose a score:
// - every keystroke is kept in localStorage as a draft (per event, judge and competitor number) until the
//   server has confirmed that value;
// - "Submit" turns the entry's new or changed values into one item of the judge's outbox (static/js/outbox.js:
//   idempotency key, stored before anything is sent, retried with backoff, one queue for scores and match
//   results); this page reads the outbox to show what is waiting and takes back refusals (409 stale/locked,
//   422) as problems on the entry, keeping the typed values as drafts so the judge decides what to do;
// - the page itself and the last sheet come from the service worker's cache when the network is down, so a
//   reload offline shows the sheet and the kept drafts, and sends the queue when the connection returns.
//
// The keyboard never submits: Enter (or the on-screen keyboard's "next"/"done") moves to the next field; only
// the submit button sends, and a sheet with criteria left empty asks first.
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
  var outbox = window.ContestOutbox;

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
  var server = {}; // "number:criterion" → {value, version, note}, as the server last told us
  var extras = sheet.indicators || null; // an indicator sheet: guidance by criterion, the units and their figures

  // A sheet may come from the service worker's cache, older than what this page already knows: a score
  // never goes back to an older version.
  function takeSheet(fresh) {
    var known = server;
    sheet = fresh;
    criteria = fresh.criteria;
    extras = fresh.indicators || null;
    numbers = fresh.entries.map(function (e) { return e.competitor_number; });
    server = {};
    fresh.scores.forEach(function (s) {
      server[cellKey(s.competitor_number, s.criterion_id)] = { value: s.value, version: s.version, note: s.note || "" };
    });
    Object.keys(known).forEach(function (k) {
      if (!server[k] || server[k].version < known[k].version) {
        server[k] = known[k];
      }
    });
  }
  takeSheet(sheet);

  var storageOk = true;

  function emptyStore() {
    return { drafts: {}, problems: {} };
  }

  function loadStore() {
    try {
      var raw = window.localStorage.getItem(STORE_KEY);
      var parsed = raw ? JSON.parse(raw) : null;
      if (parsed && typeof parsed === "object") {
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
  // a queue kept by an earlier version of this page moves to the outbox with its keys (replays stay replays)
  if (Array.isArray(store.queue)) {
    store.queue.forEach(function (sub) {
      enqueue(sub.number, sub.items, sub.key);
    });
    delete store.queue;
  }

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
    var draft = store.drafts[number] || { values: {}, reasons: {}, notes: {} };
    draft.notes = draft.notes || {};
    return draft;
  }

  function setDraft(number, criterionId, value, reason, note) {
    var draft = draftOf(number);
    if (value !== undefined) {
      draft.values[criterionId] = value;
    }
    if (reason !== undefined) {
      draft.reasons[criterionId] = reason;
    }
    if (note !== undefined) {
      draft.notes[criterionId] = note;
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
    draft.notes = draft.notes || {};
    Object.keys(draft.values).forEach(function (cid) {
      var value = draft.values[cid];
      var base = baseline(number, +cid);
      var same = base === null ? value === "" : hundredths(value) !== null && hundredths(value) === hundredths(base.value);
      if (same && noteOf(number, +cid) === (base ? base.note || "" : "")) {
        delete draft.values[cid];
        delete draft.reasons[cid];
        delete draft.notes[cid];
      }
    });
    Object.keys(draft.notes).forEach(function (cid) {
      var base = baseline(number, +cid);
      if (!Object.prototype.hasOwnProperty.call(draft.values, cid) && draft.notes[cid].trim() === (base ? base.note || "" : "")) {
        delete draft.notes[cid];
      }
    });
    if (!Object.keys(draft.values).length && !Object.keys(draft.notes).length) {
      delete store.drafts[number];
    }
  }

  function queued() {
    return outbox.items("scores").filter(function (item) { return item.meta.eventId === data.eventId; });
  }

  function enqueue(number, items, key) {
    outbox.add({ kind: "scores", method: "PUT", url: data.scoresUrl, body: { scores: items }, key: key,
      label: t("outbox_label", { event: sheet.event.name, number: numberLabel(number) }), page: window.location.pathname,
      meta: { eventId: data.eventId, number: number } });
  }

  function queuedItem(number, criterionId) {
    var found = null;
    queued().forEach(function (sub) {
      sub.body.scores.forEach(function (item) {
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
      return { value: item.value, version: (item.version || 0) + 1, queued: true, note: item.note || "" };
    }
    var score = server[cellKey(number, criterionId)];
    return score ? { value: score.value, version: score.version, queued: false, note: score.note || "" } : null;
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
    var draft = draftOf(number);
    return Object.keys(draft.values).length > 0 || Object.keys(draft.notes).length > 0;
  }

  // A criterion whose control has a ``note`` takes one with the mark (what was found; a veto's reason).
  function takesNote(c) {
    return Boolean(controlOf(c).note);
  }

  function noteOf(number, criterionId) {
    var draft = draftOf(number);
    if (Object.prototype.hasOwnProperty.call(draft.notes, criterionId)) {
      return draft.notes[criterionId].trim();
    }
    var base = baseline(number, criterionId);
    return base ? base.note || "" : "";
  }

  function isQueued(number) {
    return queued().some(function (sub) { return sub.meta.number === number; });
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

  // ------------------------------------------------------------------------------------------ rendering

  var banner = document.getElementById("banner");
  var lockBanner = document.getElementById("lock");
  var storageBanner = document.getElementById("storage");
  var grid = document.getElementById("entries");
  var filter = document.getElementById("filter");
  var pane = document.getElementById("entry");
  var selected = null;

  function renderHeader() {
    var state = outbox.state();
    if (state.expired) {
      banner.hidden = false;
      banner.className = "alert alert-danger tablet-banner";
      banner.dataset.state = "expired";
      banner.textContent = t("expired");
      banner.appendChild(el("a", { className: "btn btn-danger ms-3", text: t("log_in_again"),
        href: data.loginUrl + "?next=" + encodeURIComponent(window.location.pathname) }));
    } else if (state.net === "offline") {
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

  var builtWritable = null;  // whether the open form was built writable (see refreshSheet)

  function buildForm() {
    pane.textContent = "";
    rows = {};
    builtWritable = writable();
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
    var unit = extras && extras.units ? extras.units[String(number)] : null;
    if (unit) {
      var facts = el("div", { className: "unit-facts", "data-testid": "unit-facts" }, [
        el("div", { className: "unit-name fw-bold", text: unit.name })
      ]);
      if (unit.figures.length) {
        var list = el("dl", { className: "unit-figures row small mb-1" });
        unit.figures.forEach(function (f) {
          list.appendChild(el("dt", { className: "col-7 fw-normal text-muted", text: f[0] }));
          list.appendChild(el("dd", { className: "col-5 mb-0", text: f[1] + " " + f[2] }));
        });
        facts.appendChild(list);
      } else {
        facts.appendChild(el("div", { className: "small text-muted", text: t("no_figures") }));
      }
      if (unit.assessment_url) {
        facts.appendChild(el("a", { href: unit.assessment_url, target: "_blank", rel: "noopener", "data-testid": "self-assessment",
          text: t("self_assessment") }));
      }
      pane.appendChild(facts);
    }
    pane.appendChild(el("div", { id: "problem", className: "alert alert-danger", hidden: true, role: "alert", "data-testid": "problem" }));

    var form = el("form", { className: "entry-form", novalidate: true, autocomplete: "off" });
    // Only the submit button sends: an implicit submission (Enter, the keyboard's "done") does nothing here,
    // and Enter in a field moves on to the next one.
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target && event.target.tagName === "INPUT") {
        event.preventDefault();
        focusAfter(event.target);
      }
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
    var submit = el("button", { type: "button", id: "submit", className: "btn btn-union btn-lg submit-btn", text: t("submit"), "data-testid": "submit",
      onclick: function () { submitEntry(number); } });
    var next = el("button", { type: "button", className: "btn btn-outline-secondary btn-lg next-btn", text: t("next") + " ›", "data-testid": "next",
      onclick: function () { openNext(number); } });
    form.appendChild(el("div", { className: "entry-actions" }, [
      el("p", { id: "submit-hint", className: "submit-hint text-muted mb-0", "aria-live": "polite" }),
      el("div", { className: "entry-buttons" }, [next, readOnly ? null : submit])
    ]));
    pane.appendChild(form);
    refreshForm();
  }

  // The control of a criterion comes from its scoring type (the sheet's ``control``, see docs/API.md): the
  // widget ("buttons": one per value of ``choices``, "stepper": − count +, "number": a number field), the range,
  // the hint, the buttons' labels and the note. This page renders and checks from those fields alone and never
  // asks which kind a criterion is. A sheet without ``control`` (or without the later fields) gets a number field
  // over its ``range``; the server checks every mark anyway.
  function controlOf(c) {
    var given = c.control || { input: "decimal", min: c.range.min, max: c.range.max, step: c.range.step, choices: [] };
    return {
      input: given.input, min: given.min, max: given.max, step: given.step, choices: given.choices || [],
      widget: given.widget || (given.input === "choice" ? "buttons" : "number"),
      hint: given.hint || t("max_marks", { max: given.max }),
      labels: given.labels || [],
      note: given.note || null
    };
  }

  // A value as the judge reads it: a button's label where the control has labels, else the value.
  function shownValue(c, value) {
    var control = controlOf(c);
    var x100 = hundredths(value);
    for (var i = 0; i < control.labels.length; i += 1) {
      if (hundredths(control.choices[i]) === x100) {
        return control.labels[i];
      }
    }
    return value;
  }

  function buildRow(number, c, readOnly) {
    var id = "c-" + c.id;
    var spec = controlOf(c);
    var buttons = spec.widget === "buttons";
    var row = { criterion: c };
    var label = el("label", { className: "crit-label", "for": buttons ? null : id, id: id + "-label" }, [
      el("span", { className: "crit-name", text: c.name }),
      el("span", { className: "crit-max", text: spec.hint })
    ]);
    var control;
    if (buttons) {
      row.buttons = [];
      control = el("div", { className: "judgement", role: "radiogroup", "aria-labelledby": id + "-label", "data-criterion": c.id });
      spec.choices.forEach(function (v, i) {
        var b = el("button", { type: "button", className: "judgement-btn", role: "radio", "aria-checked": "false", "data-value": v,
          text: spec.labels[i] || v, disabled: readOnly, onclick: function () { onValue(number, c.id, v); } });
        row.buttons.push(b);
        control.appendChild(b);
      });
    } else {
      row.input = el("input", { id: id, className: "form-control mark-input", type: "text",
        inputmode: spec.input === "integer" ? "numeric" : "decimal",
        autocomplete: "off", enterkeyhint: "next", "data-criterion": c.id, "aria-describedby": id + "-msg", readonly: readOnly,
        placeholder: spec.min + " – " + spec.max });
      row.input.value = currentValue(number, c.id);
      row.input.addEventListener("input", function () { onValue(number, c.id, row.input.value); });
      control = row.input;
      if (spec.widget === "stepper") {  // − count +, within the range
        var step = function (by) {
          var low = parseInt(spec.min, 10) || 0;
          var now = parseInt(currentValue(number, c.id) || String(low), 10) || low;
          var next = Math.min(parseInt(spec.max, 10), Math.max(low, now + by * (parseInt(spec.step, 10) || 1)));
          row.input.value = String(next);
          onValue(number, c.id, String(next));
        };
        control = el("div", { className: "stepper input-group" }, [
          el("button", { type: "button", className: "btn btn-outline-secondary step-btn", text: "−", "aria-label": t("fewer"),
            disabled: readOnly, "data-step": "down", onclick: function () { step(-1); } }),
          row.input,
          el("button", { type: "button", className: "btn btn-outline-secondary step-btn", text: "+", "aria-label": t("more"),
            disabled: readOnly, "data-step": "up", onclick: function () { step(1); } })
        ]);
      }
    }
    var guidance = extras && extras.guidance ? extras.guidance[String(c.id)] : "";
    row.guidance = guidance ? el("div", { className: "crit-guidance small text-muted", text: guidance }) : null;
    row.noteBox = null;
    if (spec.note) {
      row.noteInput = el("input", { id: id + "-note", className: "form-control note-input", type: "text", maxlength: "500",
        "data-note": c.id, placeholder: spec.note.placeholder, readonly: readOnly });
      row.noteInput.value = noteOf(number, c.id);
      row.noteInput.addEventListener("input", function () {
        setDraft(number, c.id, undefined, undefined, row.noteInput.value);
        refreshForm();
        renderGrid();
      });
      row.noteBox = el("div", { className: "note-box" }, [
        el("label", { className: "form-label small mb-1", "for": id + "-note", text: spec.note.label }),
        row.noteInput
      ]);
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
      row.guidance, row.noteBox, row.note, row.stale, row.message, row.reasonBox
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
    var control = controlOf(c);
    var max = hundredths(control.max);
    var step = hundredths(control.step) || 1;
    var allowed = control.input === "choice" ? control.choices.map(hundredths) : null;
    if (value === "" || value == null) {
      result.state = base ? "invalid" : "empty";
      if (base) {
        result.message = t("required_again");
      }
      return result;
    }
    if (x100 === null) {
      result.state = "invalid";
      result.message = allowed ? control.hint : t("not_a_number");
      return result;
    }
    if (x100 > max || x100 < hundredths(control.min) || x100 % step !== 0 || (allowed && allowed.indexOf(x100) < 0)) {
      result.state = "invalid";
      result.message = allowed ? control.hint : t("too_high", { max: control.max });
      return result;
    }
    var note = control.note ? noteOf(number, c.id) : "";
    var noteFrom = control.note ? hundredths(control.note.required_from) : null;
    if (noteFrom !== null && x100 >= noteFrom && !note) {  // e.g. a veto hit needs its reason
      result.state = "invalid";
      result.message = control.note.missing;
      return result;
    }
    if (base && hundredths(base.value) === x100 && note === (base.note || "")) {
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
        note = t("queued_value", { value: shownValue(c, r.base.value) });
      } else if (r.base) {
        note = t("submitted_value", { value: shownValue(c, r.base.value) });
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
          row.stale.appendChild(el("span", { text: t("stale_value", { value: shownValue(c, detail.current.value) }) + " " }));
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
      // refused for good (e.g. locked by the sign-off): the judge may throw the refused values away
      if (hasDraft(number) && problem.code !== "stale") {
        box.appendChild(el("button", { type: "button", className: "btn btn-outline-danger ms-2 discard-btn", text: t("discard"),
          "data-testid": "discard", onclick: function () { discardDraft(number); } }));
      }
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

  function discardDraft(number) {
    if (!window.confirm(t("discard_confirm"))) {
      return;
    }
    delete store.drafts[number];
    delete store.problems[number];
    save();
    buildForm();
    renderGrid();
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
    var first = fields()[0];
    if (first) {
      first.focus();
    }
  }

  // The fields of the open entry in order: mark inputs, judgement buttons (the chosen one, else the first) and
  // the visible reason inputs.
  function fields() {
    var found = [];
    criteria.forEach(function (c) {
      var row = rows[c.id];
      if (!row) {
        return;
      }
      if (row.input && !row.input.readOnly) {
        found.push(row.input);
      } else if (row.buttons && !row.buttons[0].disabled) {
        found.push(row.buttons.filter(function (b) { return b.classList.contains("is-on"); })[0] || row.buttons[0]);
      }
      if (!row.reasonBox.hidden && !row.reason.readOnly) {
        found.push(row.reason);
      }
    });
    return found;
  }

  // Enter moves to the next field; after the last one, to the submit button (which the judge then presses).
  function focusAfter(node) {
    var list = fields();
    var next = list[list.indexOf(node) + 1];
    if (!next) {
      next = document.getElementById("submit");
    }
    if (next) {
      next.focus();
    }
  }

  // ------------------------------------------------------------------------------------------ submitting

  function submitEntry(number) {
    if (!writable()) {
      return;
    }
    var items = [];
    var bad = false;
    var empty = 0;
    criteria.forEach(function (c) {
      var r = check(number, c);
      if (r.state === "invalid") {
        bad = true;
      }
      if (r.state === "empty") {
        empty += 1;
      }
      if (r.state !== "changed") {
        return;
      }
      var item = { competitor_number: number, criterion_id: c.id, value: showMark(r.x100) };
      if (takesNote(c) && noteOf(number, c.id)) {
        item.note = noteOf(number, c.id);
      }
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
    // half a sheet is sent only when the judge says so
    if (empty && !window.confirm(t("partial_confirm", { count: empty, total: criteria.length }))) {
      return;
    }
    delete store.problems[number];
    save();
    // The key and the exact body are fixed here and stored before the first attempt: every retry is identical.
    enqueue(number, items);
    renderAll();
  }

  function applySaved(saved) {
    (saved || []).forEach(function (s) {
      var k = cellKey(s.competitor_number, s.criterion_id);
      var known = server[k];
      // a replayed answer may be older than what the sheet already shows: never go backwards
      if (!known || known.version <= s.version) {
        server[k] = { value: s.value, version: s.version, note: s.note || "" };
      }
    });
  }

  outbox.onDone("scores", function (item, response) {
    if (item.meta.eventId !== data.eventId || !response.body) {
      return;
    }
    applySaved(response.body.saved);
    tidyDraft(item.meta.number);
    save();
    renderAll();
    if (!queued().length) {
      refreshSheet();
    }
  });

  // The server's answer is final for this submission: keep the values as drafts, show the problem on the
  // entry, and drop later submissions of the same entry (they were built on it; the drafts hold their values).
  outbox.claim("scores", function (item) {
    if (item.meta.eventId !== data.eventId) {
      return false;
    }
    var number = item.meta.number;
    var refusal = item.refusal;
    var error = (refusal.body && refusal.body.error) || {};
    var problem;
    // the values that were sent become drafts again (unless the judge typed something newer meanwhile)
    var draft = store.drafts[number] || { values: {}, reasons: {} };
    item.body.scores.forEach(function (sent) {
      if (!Object.prototype.hasOwnProperty.call(draft.values, sent.criterion_id)) {
        draft.values[sent.criterion_id] = sent.value;
        if (sent.reason) {
          draft.reasons[sent.criterion_id] = sent.reason;
        }
      }
    });
    store.drafts[number] = draft;
    outbox.drop(function (other) {
      return other.kind === "scores" && other.meta.eventId === data.eventId && other.meta.number === number;
    });
    if (refusal.status === 409 && error.code === "stale") {
      var details = (error.details || []).map(function (d) {
        if (d.current) {
          server[cellKey(d.competitor_number, d.criterion_id)] = { value: d.current.value, version: d.current.version };
        } else {
          delete server[cellKey(d.competitor_number, d.criterion_id)];
        }
        return { criterion_id: d.criterion_id, current: d.current, message: t("stale_detail") };
      });
      problem = { code: "stale", message: error.message || t("stale_detail"), details: details };
    } else if (error.code === "locked") {
      problem = { code: "locked", message: error.message || t("locked") };
      sheet.event.open = false;
    } else if (refusal.status === 422 && Array.isArray(error.details)) {
      problem = { code: "invalid", message: error.message || t("refused"), details: error.details.map(function (d) {
        var sent = item.body.scores[d.index] || {};
        return { criterion_id: d.criterion_id != null ? d.criterion_id : sent.criterion_id, message: d.message };
      }) };
    } else {
      problem = { code: refusal.code, message: refusal.message || t("refused") };
    }
    store.problems[number] = problem;
    tidyDraft(number);
    save();
    if (problem.code === "locked") {
      refreshSheet();
    }
    renderAll();
    return true;
  });

  // The sheet through the API: fresh when online; the service worker's last copy when not.
  function refreshSheet() {
    outbox.request("GET", data.sheetUrl).then(function (response) {
      if (response.status === 200 && response.body && response.body.event) {
        if (root.dataset.fresh !== "true" && window.performance && performance.mark) {
          performance.mark("tablet-fresh");
        }
        root.dataset.fresh = "true";
        takeSheet(response.body);
        numbers.forEach(tidyDraft);
        save();
      }
      renderAll();
      // Rebuild the open entry's form for the fresh sheet, but never under the judge's fingers: while he is in
      // the form (typing, or tapping "submit") a rebuild would drop the focus, close the tablet's keyboard and
      // lose the tap; the form's states are refreshed in place (renderAll) and a lock still rebuilds it.
      var inForm = pane.contains(document.activeElement) && document.activeElement !== pane;
      if (selected !== null && !(inForm && builtWritable === writable())) {
        buildForm();
      }
    }, function () {
      renderAll();
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
  outbox.onChange(function () {
    renderAll();
  });
  // another tab of the same judge changed the stored drafts or queue
  window.addEventListener("storage", function (event) {
    if (event.key === STORE_KEY) {
      store = loadStore();
      renderAll();
    }
  });

  numbers.forEach(tidyDraft);
  save();
  renderAll();
  buildForm();
  root.dataset.ready = "true";
  if (window.performance && performance.mark) {
    performance.mark("tablet-ready");  // bench/venue_load.py reads it
  }
  refreshSheet();
  // the first visit: once the service worker controls the page, read the sheet through it so it keeps a copy
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("controllerchange", refreshSheet);
  }
})();

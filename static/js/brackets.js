/* Match results go through the judge's outbox (outbox.js), like score sheets: the result is queued with an
   idempotency key before it is sent, retried until the server answers, and sent after a reload too. Once the
   server has it the page moves on to the bracket; a refusal (stale, a correction that clears later results,
   an invalid result) is shown on the match page — or, if the judge has left it, in the bracket page's list. */
(function () {
  "use strict";
  var form = document.getElementById("match-form");
  var outbox = window.ContestOutbox;
  if (!form || !outbox) {
    return;
  }
  var matchId = parseInt(form.dataset.match, 10);
  var status = document.getElementById("match-status");
  var problem = document.getElementById("match-problem");
  var save = form.querySelector("[data-testid=save]");

  function mine(item) {
    return item.kind === "match" && item.meta.matchId === matchId;
  }

  function value(name) {
    var field = form.elements[name];
    return field ? field.value : "";
  }

  function render() {
    var waiting = outbox.items("match").filter(mine).length > 0;
    status.hidden = !waiting;
    status.dataset.state = waiting ? (outbox.state().net === "offline" ? "offline" : "waiting") : "";
    if (save) {
      save.disabled = waiting;
    }
  }

  function queue(confirm) {
    problem.hidden = true;
    problem.textContent = "";
    outbox.add({
      kind: "match", method: "PUT", url: form.dataset.api,
      body: { winner: value("winner"), home_score: value("home_score"), away_score: value("away_score"), kind: value("kind") || "normal",
        reason: value("reason"), version: parseInt(form.dataset.version, 10), confirm: Boolean(confirm) },
      label: form.dataset.label, page: window.location.pathname, meta: { matchId: matchId, done: form.dataset.done }
    });
    render();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    queue(Boolean(form.elements.confirm));
  });
  // Enter in a score field moves to the next field, never saves half a result
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target && event.target.tagName === "INPUT" && event.target.type !== "radio") {
      event.preventDefault();
      var inputs = Array.prototype.filter.call(form.querySelectorAll("input:not([type=hidden]):not([type=radio]), select"), function (f) {
        return f.offsetParent !== null;
      });
      var next = inputs[inputs.indexOf(event.target) + 1] || save;
      if (next) {
        next.focus();
      }
    }
  });

  outbox.onDone("match", function (item) {
    if (mine(item)) {
      window.location.assign(item.meta.done);
    }
  });

  outbox.claim("match", function (item) {
    if (!mine(item)) {
      return false;
    }
    var body = item.refusal.body || {};
    problem.hidden = false;
    problem.textContent = item.refusal.message;
    problem.dataset.code = item.refusal.code;
    if (item.refusal.code === "confirmation_required") {
      var box = document.createElement("div");
      box.dataset.testid = "affected";
      box.setAttribute("data-testid", "affected");
      var list = document.createElement("ul");
      list.className = "mb-2";
      var details = (body.error && body.error.details) || {};
      (details.affected || []).forEach(function (key) {
        var li = document.createElement("li");
        li.textContent = key;
        list.appendChild(li);
      });
      box.appendChild(list);
      var confirm = document.createElement("button");
      confirm.type = "button";
      confirm.className = "btn btn-warning btn-lg";
      confirm.setAttribute("data-testid", "confirm");
      confirm.textContent = form.dataset.confirmLabel;
      confirm.addEventListener("click", function () { queue(true); });
      box.appendChild(confirm);
      problem.appendChild(box);
    } else if (item.refusal.code === "stale") {
      var again = document.createElement("a");
      again.className = "btn btn-outline-dark ms-2";
      again.href = window.location.pathname;
      again.textContent = form.dataset.reloadLabel;
      problem.appendChild(again);
    }
    render();
    return true;
  });
  outbox.onChange(render);
  render();
})();

/* Projector view (?projector=1): no scrolling at any screen size. The whole drawing is zoomed to fit; when
   that would make the names smaller than MIN_FONT_PX (unreadable from the back of a hall), its parts — winners'
   and losers' brackets, grand final, third-place match — are shown one at a time, each zoomed to fit, turning
   every PAGE_SECONDS. The page reloads every data-refresh seconds and comes back to the part it showed. */
(function () {
  "use strict";
  var body = document.body;
  var stage = document.getElementById("projector-stage");
  if (!body.classList.contains("projector") || !stage) {
    return;
  }
  var MIN_FONT_PX = 22;
  var MAX_ZOOM = 1.6;
  var PAGE_SECONDS = 12;
  var KEY = "contest.projector.page";
  var pager = document.getElementById("projector-pager");
  var pages = Array.prototype.slice.call(stage.querySelectorAll("[data-projector-page]"));
  var current = 0;
  var paged = false;

  function nameFont() {
    var name = stage.querySelector(".bm-name");
    return name ? parseFloat(window.getComputedStyle(name).fontSize) : 24;
  }

  // the zoom at which the stage's content fits below its top edge without scrolling
  function fitZoom() {
    stage.style.zoom = "1";
    var top = stage.getBoundingClientRect().top;
    var width = window.innerWidth - 2 * stage.getBoundingClientRect().left;
    var height = window.innerHeight - top - 40;
    return Math.min(MAX_ZOOM, width / stage.scrollWidth, height / stage.scrollHeight);
  }

  function apply(zoom) {
    stage.style.zoom = String(zoom);
    // whatever sits below the stage (margins, the placements) must fit too: shrink by what still overflows
    var root = document.documentElement;
    for (var i = 0; i < 4; i += 1) {
      var overX = root.scrollWidth - window.innerWidth;
      var overY = root.scrollHeight - window.innerHeight;
      if (overX <= 0 && overY <= 0) {
        break;
      }
      var rect = stage.getBoundingClientRect();
      zoom *= Math.min(overX > 0 ? (rect.width - overX - 2) / rect.width : 1, overY > 0 ? (rect.height - overY - 2) / rect.height : 1);
      stage.style.zoom = String(zoom);
    }
    body.dataset.fitScale = String(zoom);
  }

  function show(index) {
    current = ((index % pages.length) + pages.length) % pages.length;
    pages.forEach(function (page, i) { page.hidden = i !== current; });
    apply(fitZoom());
    if (pager) {
      pager.hidden = false;
      pager.textContent = (current + 1) + " / " + pages.length;
    }
    try { window.sessionStorage.setItem(KEY, String(current)); } catch (e) { /* storage unavailable */ }
  }

  function fit() {
    pages.forEach(function (page) { page.hidden = false; });
    var zoom = fitZoom();
    paged = pages.length > 1 && zoom * nameFont() < MIN_FONT_PX;
    if (paged) {
      var start = 0;
      try { start = parseInt(window.sessionStorage.getItem(KEY) || "0", 10) || 0; } catch (e) { start = 0; }
      show(start);
    } else {
      apply(zoom);
      if (pager) {
        pager.hidden = true;
      }
    }
    body.dataset.pages = String(paged ? pages.length : 1);
    body.dataset.fitted = "true";
  }

  window.contestProjector = { show: show, pages: function () { return paged ? pages.length : 1; } };
  fit();
  window.addEventListener("resize", fit);
  if (paged) {
    window.setInterval(function () { show(current + 1); }, PAGE_SECONDS * 1000);
  }
  var seconds = parseInt(body.dataset.refresh || "0", 10);
  if (seconds) {
    window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
  }
})();

/* On a narrow screen a tree wider than the screen says that it scrolls sideways (hint and edge shadows). */
(function () {
  "use strict";
  if (document.body.classList.contains("projector")) {
    return;
  }
  function mark() {
    Array.prototype.forEach.call(document.querySelectorAll(".bracket-part"), function (part) {
      var tree = part.querySelector(".bracket-tree");
      part.classList.toggle("is-scrollable", Boolean(tree) && tree.scrollWidth > tree.clientWidth + 1);
    });
  }
  mark();
  window.addEventListener("resize", mark);
})();

/* Seeds by hand: drag the rows (or use the arrows) into seed order; the seed inputs follow the order. */
(function () {
  "use strict";
  var body = document.getElementById("seed-rows");
  if (!body) {
    return;
  }
  var dragged = null;

  function renumber() {
    Array.prototype.forEach.call(body.querySelectorAll(".seed-row"), function (row, index) {
      row.querySelector("input").value = String(index + 1);
    });
    var manual = document.getElementById("seeding-manual");
    if (manual) {
      manual.checked = true;
    }
  }

  body.addEventListener("dragstart", function (event) {
    dragged = event.target.closest(".seed-row");
    if (dragged) {
      dragged.classList.add("is-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.dataset.number);
    }
  });
  body.addEventListener("dragend", function () {
    if (dragged) {
      dragged.classList.remove("is-dragging");
    }
    dragged = null;
  });
  body.addEventListener("dragover", function (event) {
    if (dragged) {
      event.preventDefault();
    }
  });
  body.addEventListener("drop", function (event) {
    var target = event.target.closest(".seed-row");
    if (!dragged || !target || target === dragged) {
      return;
    }
    event.preventDefault();
    var rect = target.getBoundingClientRect();
    var after = event.clientY > rect.top + rect.height / 2;
    body.insertBefore(dragged, after ? target.nextSibling : target);
    renumber();
  });
  body.addEventListener("click", function (event) {
    var button = event.target.closest(".seed-move");
    if (!button) {
      return;
    }
    var row = button.closest(".seed-row");
    if (button.dataset.move === "-1" && row.previousElementSibling) {
      body.insertBefore(row, row.previousElementSibling);
    } else if (button.dataset.move === "1" && row.nextElementSibling) {
      body.insertBefore(row.nextElementSibling, row);
    }
    renumber();
    button.focus();
  });
})();

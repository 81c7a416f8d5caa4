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
      (body.affected || []).forEach(function (key) {
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

/* Projector view: reload every data-refresh seconds, keeping the scroll position. */
(function () {
  "use strict";
  var seconds = parseInt(document.body.dataset.refresh || "0", 10);
  if (!seconds) {
    return;
  }
  var KEY = "contest.projector.scroll";
  try {
    var y = sessionStorage.getItem(KEY);
    if (y) {
      window.scrollTo(0, parseInt(y, 10));
    }
  } catch (e) { /* storage unavailable */ }
  window.setTimeout(function () {
    try { sessionStorage.setItem(KEY, String(window.scrollY)); } catch (e) { /* storage unavailable */ }
    window.location.reload();
  }, seconds * 1000);
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

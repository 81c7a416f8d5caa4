/* Match results typed on a tablet survive a lost connection: the form is kept in localStorage until the
   server confirms it (the bracket page after a successful save names the recorded match), and put back in
   the form when the judge returns to it. */
(function () {
  "use strict";
  var PREFIX = "contest.match.";
  var head = document.getElementById("bracket-head");
  if (head && head.dataset.recorded) {
    try { localStorage.removeItem(PREFIX + head.dataset.recorded); } catch (e) { /* storage unavailable */ }
  }
  var form = document.getElementById("match-form");
  if (!form) {
    return;
  }
  var key = PREFIX + form.dataset.match;
  var fields = ["winner", "home_score", "away_score", "kind", "reason"];

  function snapshot() {
    var data = { version: form.dataset.version };
    fields.forEach(function (name) {
      var el = form.elements[name];
      if (el) {
        data[name] = el.value;
      }
    });
    return data;
  }

  var saved = null;
  try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
  if (saved && saved.version === form.dataset.version) {
    fields.forEach(function (name) {
      var el = form.elements[name];
      if (!el || saved[name] === undefined || saved[name] === "") {
        return;
      }
      if (el instanceof RadioNodeList) {
        Array.prototype.forEach.call(el, function (radio) { radio.checked = radio.value === saved[name]; });
      } else if (!el.value) {
        el.value = saved[name];
      }
    });
    var note = document.getElementById("draft-note");
    if (note) {
      note.hidden = false;
    }
  } else if (saved) {
    try { localStorage.removeItem(key); } catch (e) { /* storage unavailable */ }
  }
  function keep() {
    try { localStorage.setItem(key, JSON.stringify(snapshot())); } catch (e) { /* storage unavailable */ }
  }
  form.addEventListener("change", keep);
  form.addEventListener("input", keep);
  form.addEventListener("submit", function (event) {
    keep();
    var offline = document.getElementById("offline-note");
    if (navigator.onLine === false) {
      // no connection: do not leave the page for a browser error; the result stays here and in storage
      event.preventDefault();
      if (offline) {
        offline.hidden = false;
      }
    } else if (offline) {
      offline.hidden = true;
    }
  });
  window.addEventListener("online", function () {
    var offline = document.getElementById("offline-note");
    if (offline) {
      offline.hidden = true;
    }
  });
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

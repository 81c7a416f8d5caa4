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
  form.addEventListener("submit", keep);
})();

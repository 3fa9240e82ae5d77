/* Autosave of inventory answers: progressive enhancement of the plain form on domain pages. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch) return;
  var urlTemplate = form.getAttribute("data-autosave");
  var msg = function (key) { return form.getAttribute("data-msg-" + key) || key; };
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var lang = document.documentElement.lang;
  var hint = form.querySelector("[data-autosave-hint]");
  if (hint) hint.hidden = false;
  var pending = {};
  var timers = {};
  var inFlight = {};

  function sections() { return form.querySelectorAll("section.question"); }
  function sectionOf(el) { return el.closest("section.question"); }
  function qidOf(section) { return section.getAttribute("data-question"); }
  function ownsField(qid, name) {
    return name === "q-" + qid || name.indexOf("q-" + qid + ".") === 0 || name === "s-" + qid;
  }
  function setStatus(section, text, isError) {
    var status = section.querySelector("[data-status]");
    status.textContent = text;
    status.classList.toggle("status-error", !!isError);
  }
  function showError(section, text) {
    var error = section.querySelector("[data-error]");
    error.textContent = text || "";
    error.hidden = !text;
    section.classList.toggle("field-error", !!text);
    section.querySelectorAll("input[type=text], textarea").forEach(function (el) {
      if (text) el.setAttribute("aria-invalid", "true"); else el.removeAttribute("aria-invalid");
    });
  }
  function now() {
    var d = new Date();
    return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
  }
  function updateAdvice(section) {
    var checked = section.querySelector("input[type=radio]:checked");
    section.querySelectorAll("[data-advice-for]").forEach(function (p) {
      p.hidden = !checked || p.getAttribute("data-advice-for") !== checked.value;
    });
  }
  function applyVisibility(visible) {
    var set = {};
    visible.forEach(function (id) { set[id] = true; });
    sections().forEach(function (section) { section.hidden = !set[qidOf(section)]; });
  }

  function payload(section) {
    var qid = qidOf(section);
    var data = new FormData();
    data.append("csrf_token", csrf);
    data.append("present-" + qid, "1");
    data.append("rev-" + qid, section.querySelector("[data-revision]").value);
    new FormData(form).forEach(function (value, name) {
      if (ownsField(qid, name)) data.append(name, value);
    });
    return data;
  }

  function save(section) {
    var qid = qidOf(section);
    clearTimeout(timers[qid]);
    if (inFlight[qid]) { pending[qid] = true; return; }
    inFlight[qid] = true;
    pending[qid] = false;
    setStatus(section, msg("saving"));
    fetch(urlTemplate.replace("__QID__", encodeURIComponent(qid)), {
      method: "POST", body: payload(section), credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrf }
    }).then(function (response) {
      return response.json().then(function (body) { return { code: response.status, body: body }; },
        function () { return { code: response.status, body: {} }; });
    }).then(function (result) {
      inFlight[qid] = false;
      if (result.code === 200) {
        section.querySelector("[data-revision]").value = result.body.revision;
        showError(section, "");
        removeConflict(section);
        setStatus(section, msg("saved").replace("%(time)s", now()));
        applyVisibility(result.body.visible);
        section.removeAttribute("data-dirty");
      } else if (result.code === 422) {
        showError(section, result.body.message);
        setStatus(section, msg("not-saved") + " " + (result.body.message || ""), true);
      } else if (result.code === 409) {
        showConflict(section, result.body);
        setStatus(section, msg("not-saved"), true);
      } else {
        failed(section);
      }
      if (pending[qid]) save(section);
    }).catch(function () {
      inFlight[qid] = false;
      failed(section);
    });
  }

  function failed(section) {
    setStatus(section, msg("offline"), true);
    section.setAttribute("data-dirty", "1");
    timers[qidOf(section)] = setTimeout(function () { save(section); }, 5000);
  }

  function removeConflict(section) {
    var box = section.querySelector(".conflict");
    if (box) box.remove();
  }

  function showConflict(section, info) {
    removeConflict(section);
    var box = document.createElement("div");
    box.className = "conflict";
    box.setAttribute("role", "alert");
    var title = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = msg("conflict");
    title.appendChild(strong);
    var theirs = document.createElement("p");
    theirs.textContent = msg("saved-now") + " " + info.theirs + (info.by ? " – " + info.by : "");
    var mine = document.createElement("p");
    mine.textContent = msg("yours-kept");
    var keepMine = document.createElement("button");
    keepMine.type = "button";
    keepMine.className = "button";
    keepMine.textContent = msg("keep-mine");
    keepMine.addEventListener("click", function () {
      section.querySelector("[data-revision]").value = info.revision;
      save(section);
    });
    var keepTheirs = document.createElement("button");
    keepTheirs.type = "button";
    keepTheirs.className = "button button-secondary";
    keepTheirs.textContent = msg("keep-theirs");
    keepTheirs.addEventListener("click", function () {
      section.querySelector("[data-revision]").value = info.revision;
      applyAnswer(section, info.answer);
      removeConflict(section);
      setStatus(section, msg("took-theirs"));
      section.removeAttribute("data-dirty");
    });
    [title, theirs, mine, keepMine, keepTheirs].forEach(function (el) { box.appendChild(el); });
    section.querySelector("[data-status]").before(box);
    keepMine.focus();
  }

  function applyAnswer(section, answer) {
    var qid = qidOf(section);
    var fields = Array.prototype.filter.call(form.elements, function (el) { return el.name && ownsField(qid, el.name); });
    fields.forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") el.checked = false; else el.value = "";
    });
    if (!answer) return;
    if (answer.status !== "answered") {
      fields.forEach(function (el) { if (el.value === answer.status) el.checked = true; });
      return;
    }
    var value = answer.value;
    fields.forEach(function (el) {
      var sub = el.name.split(".").slice(-1)[0];
      if (el.type === "radio") {
        el.checked = el.value === (value === true ? "yes" : value === false ? "no" : String(value));
      } else if (el.type === "checkbox" && Array.isArray(value)) {
        el.checked = value.indexOf(el.value) >= 0;
      } else if (el.type === "checkbox" && value && typeof value === "object") {
        // A checkbox matrix: the field q-<question>.<row> holds the ticked columns of a row.
        el.checked = (value[sub] || []).indexOf(el.value) >= 0;
      } else if (el.tagName === "SELECT" && Array.isArray(value)) {
        var rank = value.indexOf(sub);
        el.value = rank >= 0 ? String(rank + 1) : "";
      } else if (el.tagName === "SELECT" && value && typeof value === "object") {
        el.value = value[sub] || "";
      } else if (el.type === "text" || el.tagName === "TEXTAREA") {
        el.value = typeof value === "number" && lang === "de" ? String(value).replace(".", ",") : String(value);
      }
    });
    updateAdvice(section);
  }

  function exclusivity(target, section) {
    if (target.type !== "checkbox" || !target.checked) {
      return;
    }
    var special = target.name.indexOf("s-") === 0;
    section.querySelectorAll("input[type=checkbox]").forEach(function (other) {
      if (other === target) return;
      var otherSpecial = other.name.indexOf("s-") === 0;
      if (special || otherSpecial || target.hasAttribute("data-exclusive") || other.hasAttribute("data-exclusive")) {
        other.checked = false;
      }
    });
    if (special) {
      section.querySelectorAll("select, input[type=text], textarea").forEach(function (el) { el.value = ""; });
    }
  }

  form.addEventListener("change", function (event) {
    var section = sectionOf(event.target);
    if (!section) return;
    exclusivity(event.target, section);
    if (event.target.type !== "checkbox" || event.target.name.indexOf("s-") !== 0) {
      if (event.target.type !== "checkbox" && event.target.type !== "radio" && event.target.value) {
        section.querySelectorAll("input[name^='s-']").forEach(function (s) { s.checked = false; });
      }
    }
    updateAdvice(section);
    section.setAttribute("data-dirty", "1");
    var qid = qidOf(section);
    clearTimeout(timers[qid]);
    if (event.target.type === "radio" || event.target.tagName === "SELECT") {
      // Arrow keys move through radio buttons and options: save the one the user stays on.
      timers[qid] = setTimeout(function () { save(section); }, 700);
    } else {
      save(section);
    }
  });
  form.addEventListener("input", function (event) {
    var section = sectionOf(event.target);
    if (!section || (event.target.type !== "text" && event.target.tagName !== "TEXTAREA")) return;
    section.setAttribute("data-dirty", "1");
    var qid = qidOf(section);
    clearTimeout(timers[qid]);
    timers[qid] = setTimeout(function () { save(section); }, 1500);
  });
  window.addEventListener("beforeunload", function (event) {
    if (form.querySelector("section.question[data-dirty]")) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  window.addEventListener("online", function () {
    form.querySelectorAll("section.question[data-dirty]").forEach(save);
  });
})();

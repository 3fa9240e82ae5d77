/* Review mode: each answer's form is saved with fetch; while offline, changes wait in
   localStorage ("not yet saved") and are sent when the connection returns. A stale revision
   gets the same choice as the autosave: keep mine or keep the saved one. */
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-review]");
  if (!forms.length || !window.fetch || !window.localStorage || !window.FormData) return;
  var KEY = "advisory.review.queue";
  var banner = document.querySelector("[data-offline-banner]");
  var flushing = false;
  var retryTimer = null;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "{}"); } catch (e) { return {}; }
  }
  function store(queue) { localStorage.setItem(KEY, JSON.stringify(queue)); }
  // Not form.action: the buttons named "action" would shadow it.
  function actionOf(form) { return new URL(form.getAttribute("action"), window.location.href).href; }
  function formFor(url) {
    return Array.prototype.find.call(forms, function (f) { return actionOf(f) === url; });
  }
  function msg(form, key) { return form.getAttribute("data-msg-" + key) || key; }
  function setStatus(form, text, pending) {
    if (!form) return;
    var status = form.querySelector("[data-review-status]");
    status.textContent = text;
    status.classList.toggle("status-pending", !!pending);
    form.classList.toggle("is-pending", !!pending);
  }
  function showBanner(show) { if (banner) banner.hidden = !show; }

  function fieldsOf(form, submitter) {
    var data = submitter ? new FormData(form, submitter) : new FormData(form);
    var fields = [];
    data.forEach(function (value, name) {
      if (typeof value === "string") fields.push([name, value]);
    });
    return fields;
  }

  function restore(form, fields) {
    var names = {};
    fields.forEach(function (pair) { names[pair[0]] = true; });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit") return;
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = fields.some(function (p) { return p[0] === el.name && p[1] === el.value; });
      } else if (names[el.name]) {
        var found = fields.find(function (p) { return p[0] === el.name; });
        el.value = found ? found[1] : "";
      }
    });
  }

  function removeConflict(form) {
    var box = form && form.querySelector(".conflict");
    if (box) box.remove();
  }

  function showConflict(form, url, info) {
    removeConflict(form);
    var box = document.createElement("div");
    box.className = "conflict";
    box.setAttribute("role", "alert");
    var text = document.createElement("p");
    text.textContent = msg(form, "conflict") + " " + info.theirs + (info.by ? " – " + info.by : "");
    var mine = document.createElement("button");
    mine.type = "button";
    mine.className = "button";
    mine.textContent = msg(form, "keep-mine");
    mine.addEventListener("click", function () {
      var queue = load();
      if (queue[url]) {
        queue[url].fields = queue[url].fields.map(function (p) {
          return p[0].indexOf("rev-") === 0 ? [p[0], String(info.revision)] : p;
        });
        store(queue);
      }
      removeConflict(form);
      flush();
    });
    var theirs = document.createElement("button");
    theirs.type = "button";
    theirs.className = "button button-secondary";
    theirs.textContent = msg(form, "keep-theirs");
    theirs.addEventListener("click", function () {
      var queue = load();
      delete queue[url];
      store(queue);
      window.location.reload();
    });
    [text, mine, theirs].forEach(function (el) { box.appendChild(el); });
    form.querySelector("[data-review-status]").before(box);
    mine.focus();
  }

  function send(url, entry) {
    var body = new FormData();
    entry.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    var token = (entry.fields.find(function (p) { return p[0] === "csrf_token"; }) || [])[1] || "";
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token }
    }).then(function (response) {
      return response.json().then(function (json) { return { code: response.status, body: json }; },
        function () { return { code: response.status, body: {} }; });
    });
  }

  function flush() {
    if (flushing) return;
    var queue = load();
    var urls = Object.keys(queue);
    if (!urls.length) { showBanner(false); return; }
    flushing = true;
    var next = function (i) {
      if (i >= urls.length) { flushing = false; showBanner(false); return; }
      var url = urls[i];
      var entry = load()[url];
      if (!entry || entry.conflict) { next(i + 1); return; }
      var form = formFor(url);
      setStatus(form, msg(form || forms[0], "saving"), true);
      send(url, entry).then(function (result) {
        var current = load();
        if (result.code === 200) {
          delete current[url];
          store(current);
          if (form) {
            var rev = form.querySelector("[data-revision]");
            if (rev) rev.value = result.body.revision;
            removeConflict(form);
            setStatus(form, msg(form, "saved"), false);
          }
        } else if (result.code === 409) {
          if (form) showConflict(form, url, result.body);
          setStatus(form, msg(form || forms[0], "pending"), true);
        } else if (result.code === 422 || result.code === 400 || result.code === 403) {
          delete current[url];
          store(current);
          if (form) restore(form, entry.fields);
          setStatus(form, result.body.message || msg(form || forms[0], "pending"), false);
        } else {
          throw new Error("server " + result.code);
        }
        next(i + 1);
      }).catch(function () {
        // No connection (or the server is away): keep everything, try again later.
        flushing = false;
        showBanner(true);
        Object.keys(load()).forEach(function (u) {
          var f = formFor(u);
          if (f) setStatus(f, msg(f, "pending"), true);
        });
        clearTimeout(retryTimer);
        retryTimer = setTimeout(flush, 10000);
      });
    };
    next(0);
  }

  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var queue = load();
      queue[actionOf(form)] = { fields: fieldsOf(form, event.submitter), at: Date.now() };
      store(queue);
      removeConflict(form);
      setStatus(form, msg(form, "pending"), true);
      flush();
    });
  });

  // Changes kept from an earlier visit of this page are shown again and sent.
  var kept = load();
  Object.keys(kept).forEach(function (url) {
    var form = formFor(url);
    if (!form) return;
    restore(form, kept[url].fields);
    setStatus(form, msg(form, "pending"), true);
  });
  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { showBanner(true); });
  flush();
})();

/* Review screens: what the advisor enters is sent with fetch; while offline it waits in
   localStorage ("not yet saved") and is sent when the connection returns.
   - form[data-queue="review"]  an answer's reviewed value, note and follow-up mark (one per answer)
   - form[data-queue="record"]  the visit record and summary (one)
   - form[data-queue="add"]     a new finding (each one kept)
   - form[data-queue="delete"]  deleting a finding
   A stale revision (409) gets the same choice as the autosave: keep mine or keep the saved one.
   form[data-online-only] (evidence uploads, life-cycle steps) cannot wait in the browser: while
   offline they are refused with a message and the typed input stays in the form. */
(function () {
  "use strict";
  if (!window.fetch || !window.localStorage || !window.FormData) return;
  var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-queue]"));
  var guarded = document.querySelectorAll("form[data-online-only]");
  var KEY = "advisory.review.queue";
  var banner = document.querySelector("[data-offline-banner]");
  var pendingList = document.querySelector("[data-pending-findings]");
  var flushing = false;
  var retryTimer = null;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "{}"); } catch (e) { return {}; }
  }
  function store(queue) { localStorage.setItem(KEY, JSON.stringify(queue)); }
  // Not form.action: the buttons named "action" would shadow it.
  function actionOf(form) { return new URL(form.getAttribute("action"), window.location.href).href; }
  function urlOf(key, entry) { return entry.url || key; }  // entries of older pages: key = URL
  function formFor(url) {
    return forms.find(function (f) { return actionOf(f) === url; });
  }
  function msg(form, key) { return (form && form.getAttribute("data-msg-" + key)) || key; }
  function setStatus(form, text, pending) {
    if (!form) return;
    var status = form.querySelector("[data-review-status]");
    if (status) {
      status.textContent = text;
      status.classList.toggle("status-pending", !!pending);
    }
    form.classList.toggle("is-pending", !!pending);
    var item = form.closest("[data-finding]");
    if (item) {
      item.classList.toggle("is-pending", !!pending);
      var note = item.querySelector("[data-finding-status]");
      if (!note) {
        note = document.createElement("span");
        note.className = "save-status";
        note.setAttribute("role", "status");
        note.setAttribute("data-finding-status", "");
        item.appendChild(note);
      }
      note.textContent = " " + text;
    }
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
  function field(fields, name) {
    return (fields.find(function (p) { return p[0] === name; }) || [])[1] || "";
  }

  function restore(form, fields) {
    var names = {};
    fields.forEach(function (pair) { names[pair[0]] = true; });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit") return;
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = fields.some(function (p) { return p[0] === el.name && p[1] === el.value; });
      } else if (names[el.name]) {
        el.value = field(fields, el.name);
      }
    });
  }

  // A finding added while offline is listed as "not yet saved" until the server has it, on the
  // page of its domain (every domain's form sends to the same address).
  function pendingItem(key, entry) {
    var form = formFor(urlOf(key, entry));
    var domain = form && form.querySelector("[name=domain_id]");
    if (!pendingList || !domain || domain.value !== field(entry.fields, "domain_id")) return null;
    var item = pendingList.querySelector('[data-key="' + CSS.escape(key) + '"]');
    if (item) return item;
    item = document.createElement("li");
    item.className = "finding is-pending";
    item.setAttribute("data-key", key);
    var text = document.createElement("span");
    text.textContent = field(entry.fields, "text");
    var status = document.createElement("span");
    status.className = "save-status status-pending";
    status.setAttribute("data-item-status", "");
    item.appendChild(text);
    item.appendChild(document.createTextNode(" – "));
    item.appendChild(status);
    pendingList.appendChild(item);
    return item;
  }
  function setItemStatus(key, entry, text, pending) {
    var item = pendingItem(key, entry);
    if (!item) return;
    item.classList.toggle("is-pending", !!pending);
    item.querySelector("[data-item-status]").textContent = text;
  }

  function removeConflict(form) {
    var box = form && form.querySelector(".conflict");
    if (box) box.remove();
  }

  function showConflict(form, key, info) {
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
      if (queue[key]) {
        queue[key].fields = queue[key].fields.map(function (p) {
          return p[0].indexOf("rev-") === 0 ? [p[0], String(info.revision)] : p;
        });
        delete queue[key].conflict;
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
      delete queue[key];
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
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": field(entry.fields, "csrf_token") }
    }).then(function (response) {
      return response.json().then(function (json) { return { code: response.status, body: json }; },
        function () { return { code: response.status, body: {} }; });
    });
  }

  function saved(key, entry, form, body) {
    if (entry.kind === "add") {
      setItemStatus(key, entry, msg(form, "saved"), false);
      return;
    }
    if (entry.kind === "delete") {
      var item = form && form.closest("[data-finding]");
      if (item) item.remove();
      return;
    }
    if (form) {
      var rev = form.querySelector("[data-revision]");
      if (rev && body.revision !== undefined) rev.value = body.revision;
      removeConflict(form);
      setStatus(form, msg(form, "saved"), false);
    }
  }

  function markPending(key, entry) {
    var form = formFor(urlOf(key, entry));
    if (entry.kind === "add") setItemStatus(key, entry, msg(form, "pending"), true);
    else setStatus(form, msg(form, "pending"), true);
  }

  function flush() {
    if (flushing) return;
    var keys = Object.keys(load());
    if (!keys.length) { showBanner(false); return; }
    flushing = true;
    var next = function (i) {
      if (i >= keys.length) { flushing = false; showBanner(false); return; }
      var key = keys[i];
      var entry = load()[key];
      if (!entry || entry.conflict) { next(i + 1); return; }
      var url = urlOf(key, entry);
      var form = formFor(url);
      if (entry.kind === "add") setItemStatus(key, entry, msg(form, "saving"), true);
      else setStatus(form, msg(form, "saving"), true);
      send(url, entry).then(function (result) {
        var current = load();
        if (result.code === 200) {
          delete current[key];
          store(current);
          saved(key, entry, form, result.body);
        } else if (result.code === 409) {
          if (current[key]) { current[key].conflict = true; store(current); }
          if (form) showConflict(form, key, result.body);
          setStatus(form, msg(form, "pending"), true);
        } else if (result.code >= 400 && result.code < 500) {
          // Refused (invalid, no longer allowed, gone): give the input back with the reason.
          delete current[key];
          store(current);
          if (form && entry.kind !== "delete") restore(form, entry.fields);
          if (entry.kind === "add") {
            var item = pendingItem(key, entry);
            if (item) item.remove();
          }
          setStatus(form, result.body.message || msg(form, "pending"), false);
        } else {
          throw new Error("server " + result.code);
        }
        next(i + 1);
      }).catch(function () {
        // No connection (or the server is away): keep everything, try again later.
        flushing = false;
        showBanner(true);
        var queue = load();
        Object.keys(queue).forEach(function (k) { markPending(k, queue[k]); });
        clearTimeout(retryTimer);
        retryTimer = setTimeout(flush, 10000);
      });
    };
    next(0);
  }

  forms.forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var kind = form.getAttribute("data-queue");
      var url = actionOf(form);
      var entry = { url: url, kind: kind, fields: fieldsOf(form, event.submitter), at: Date.now() };
      // Every new finding is kept; for the rest the newest input of a form replaces the older.
      var key = kind === "add" ? url + "#" + entry.at : url;
      var queue = load();
      queue[key] = entry;
      store(queue);
      removeConflict(form);
      if (kind === "add") {
        form.reset();
        setItemStatus(key, entry, msg(form, "pending"), true);
      } else {
        setStatus(form, msg(form, "pending"), true);
      }
      flush();
    });
  });

  // Uploads and life-cycle steps are sent as ordinary forms, but only after a quick check that
  // the server answers: offline, the page would be lost together with what was typed.
  function reachable() {
    var ping = banner && banner.getAttribute("data-ping");
    if (!navigator.onLine) return Promise.resolve(false);
    if (!ping) return Promise.resolve(true);
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, 5000) : null;
    return fetch(ping, { cache: "no-store", credentials: "same-origin",
                         signal: controller ? controller.signal : undefined })
      .then(function (response) { clearTimeout(timer); return response.ok; },
            function () { clearTimeout(timer); return false; });
  }
  Array.prototype.forEach.call(guarded, function (form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-checked") === "1") return;  // checked just now: send it
      event.preventDefault();
      var submitter = event.submitter;
      reachable().then(function (ok) {
        var note = form.querySelector(".offline-refused");
        if (ok) {
          if (note) note.remove();
          form.setAttribute("data-checked", "1");
          if (form.requestSubmit) form.requestSubmit(submitter || undefined);
          else form.submit();
          form.removeAttribute("data-checked");
          return;
        }
        showBanner(true);
        if (!note) {
          note = document.createElement("p");
          note.className = "offline-refused";
          note.setAttribute("role", "alert");
          form.appendChild(note);
        }
        note.textContent = msg(banner, "refused");
      });
    });
  });

  // Changes kept from an earlier visit of this page are shown again and sent.
  var kept = load();
  Object.keys(kept).forEach(function (key) {
    var entry = kept[key];
    var form = formFor(urlOf(key, entry));
    if (!form) return;
    if (entry.kind === "review" || entry.kind === "record" || !entry.kind) {
      restore(form, entry.fields);
    }
    if (entry.kind === "add" && !pendingItem(key, entry)) return;  // another domain's finding
    markPending(key, entry);
  });
  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { showBanner(true); });
  flush();
})();

/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  // An ARIA 1.2 combobox with list autocomplete over the municipality directory.
  function enhanceCombobox(input) {
    var source = input.getAttribute("data-source");
    if (!source) return;
    var navigate = input.getAttribute("data-navigate") === "true";
    var wrapper = document.createElement("div");
    wrapper.className = "combobox";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    var list = document.createElement("ul");
    var listId = input.id + "-listbox";
    list.id = listId;
    list.className = "listbox";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.labels && input.labels[0] ? input.labels[0].textContent : "");
    list.hidden = true;
    wrapper.appendChild(list);
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    wrapper.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    var items = [];
    var active = -1;
    var timer = null;
    var lastQuery = "";
    var lang = document.documentElement.lang;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (el, i) { el.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function choose(index) {
      var item = items[index];
      if (!item) return;
      if (navigate && item.url) {
        window.location.href = item.url;
        return;
      }
      input.value = navigate ? item.name : item.ags;
      close();
    }
    function render(data) {
      items = data;
      list.innerHTML = "";
      data.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = item.name;
        var detail = document.createElement("span");
        detail.className = "muted";
        detail.textContent = " – " + [item.postal_code, item.district, item.state].filter(Boolean).join(", ");
        li.appendChild(detail);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      var count = data.length;
      status.textContent = lang === "de"
        ? (count === 0 ? "Keine Treffer." : count + (count === 1 ? " Vorschlag." : " Vorschläge.") + " Mit Pfeiltasten auswählen.")
        : (count === 0 ? "No matches." : count + (count === 1 ? " suggestion." : " suggestions.") + " Use arrow keys to choose.");
      if (count) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
      active = -1;
    }
    function fetchSuggestions() {
      var q = input.value.trim();
      if (q === lastQuery) return;
      lastQuery = q;
      if (q.length < 2) { items = []; close(); return; }
      fetch(source + (source.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (data) { if (input.value.trim() === q) render(data); })
        .catch(function () { close(); });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") {
        if (list.hidden && items.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        highlight(Math.min(active + 1, items.length - 1));
        e.preventDefault();
      } else if (e.key === "ArrowUp") {
        highlight(Math.max(active - 1, 0));
        e.preventDefault();
      } else if (e.key === "Enter" && !list.hidden && active >= 0) {
        choose(active);
        e.preventDefault();
      } else if (e.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  document.querySelectorAll("input[data-autocomplete=municipality]").forEach(function (input) {
    if (!input.getAttribute("data-source")) {
      input.setAttribute("data-source", document.body.getAttribute("data-municipality-source") || "");
    }
    enhanceCombobox(input);
  });

  // Move focus to an error summary so screen reader users hear what to fix.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();

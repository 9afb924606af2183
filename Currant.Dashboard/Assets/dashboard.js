// The Currant dashboard's only script: live updates. An element with data-live="<url>" is reloaded from that url
// (same origin) whenever the server-sent event stream (fed by the database's LISTEN/NOTIFY) says something changed.
(function () {
  "use strict";
  var live = document.querySelectorAll("[data-live]");
  if (live.length === 0 || !window.EventSource) {
    return;
  }

  var base = document.body.getAttribute("data-base") || "";
  var busy = false;
  var again = false;

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    var pending = Array.prototype.map.call(live, function (el) {
      return fetch(el.getAttribute("data-live"), { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) { el.innerHTML = html; } });
    });
    Promise.all(pending).catch(function () { }).then(function () {
      busy = false;
      if (again) { again = false; refresh(); }
    });
  }

  var events = new EventSource(base + "/events");
  events.addEventListener("change", refresh);
  // After a dropped connection the browser reconnects by itself; what changed meanwhile is fetched at once.
  events.addEventListener("open", function () { document.documentElement.setAttribute("data-live-connected", "true"); });
})();

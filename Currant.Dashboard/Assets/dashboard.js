// The Currant dashboard's only script: live updates, fed by the server-sent event stream (the database's
// LISTEN/NOTIFY). An element with data-live="<url>" is reloaded from that url (same origin) whenever the stream says
// something changed. An element with data-watch="<url>" data-version="<v>" (an execution's page) fetches its version
// on each event and reloads the page when it changed; while a form on the page holds input it shows itself instead,
// so nothing typed is lost.
(function () {
  "use strict";
  var live = document.querySelectorAll("[data-live]");
  var watch = document.querySelector("[data-watch]");
  if ((live.length === 0 && !watch) || !window.EventSource) {
    return;
  }

  var base = document.body.getAttribute("data-base") || "";
  var busy = false;
  var again = false;
  // A form on its way (an action's post) navigates by itself; a reload now would race it and lose its answer.
  var leaving = false;
  document.addEventListener("submit", function () { leaving = true; });

  function fetchText(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; });
  }

  function typing() {
    var fields = document.querySelectorAll("form input:not([type=hidden]), form textarea");
    return Array.prototype.some.call(fields, function (f) { return f.value !== "" || f === document.activeElement; });
  }

  function check() {
    return fetchText(watch.getAttribute("data-watch")).then(function (version) {
      if (leaving || version === null || version === watch.getAttribute("data-version")) { return; }
      if (typing()) { watch.hidden = false; return; }
      window.location.reload();
    });
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    var pending = Array.prototype.map.call(live, function (el) {
      return fetchText(el.getAttribute("data-live")).then(function (html) { if (html !== null) { el.innerHTML = html; } });
    });
    if (watch) { pending.push(check()); }
    Promise.all(pending).catch(function () { }).then(function () {
      busy = false;
      if (again) { again = false; refresh(); }
    });
  }

  var events = new EventSource(base + "/events");
  events.addEventListener("change", refresh);
  // After a dropped connection the browser reconnects by itself; what changed meanwhile is fetched at once.
  events.addEventListener("open", function () {
    document.documentElement.setAttribute("data-live-connected", "true");
    if (watch) { refresh(); }
  });
})();

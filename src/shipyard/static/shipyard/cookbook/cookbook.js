/* Shipyard API cookbook: snippet tabs, copy buttons and the "try it" forms.
 *
 * Our own code (no dependency), written for a strict CSP: loaded from 'self' with the
 * page's nonce, no eval, no inline handlers, no HTML injection (text only: textContent).
 * Requests go to this site only (the try root is a path), with the credentials typed in
 * the "Credentials" panel and the CSRF header from the layout's hx-headers. Body fields
 * that must be unique (the textarea's data-unique) get a new value on each try, unless
 * the reader typed their own: same rule as shipyard.api.cookbook.page.fresh_value. */
(function () {
  "use strict";

  var UNSAFE = { POST: true, PUT: true, PATCH: true, DELETE: true };

  function selectTab(button) {
    var tabs = button.closest("[data-tabs]");
    tabs.querySelectorAll("[data-tab]").forEach(function (other) {
      var selected = other === button;
      other.setAttribute("aria-selected", selected ? "true" : "false");
      var panel = document.getElementById(other.getAttribute("data-tab"));
      if (panel) { panel.hidden = !selected; }
    });
  }

  function copy(button) {
    var code = document.getElementById(button.getAttribute("data-copy"));
    if (!code || !navigator.clipboard) { return; }
    navigator.clipboard.writeText(code.textContent).then(function () {
      button.textContent = "Copied";
      window.setTimeout(function () { button.textContent = "Copy"; }, 1500);
    });
  }

  function csrfHeaders() {
    var raw = document.body.getAttribute("hx-headers");
    if (!raw) { return {}; }
    try { return JSON.parse(raw); } catch (error) { return {}; }
  }

  function applyCredentials(form, headers, query) {
    var wanted = (form.getAttribute("data-security") || "").split(" ");
    document.querySelectorAll("[data-scheme]").forEach(function (input) {
      if (wanted.indexOf(input.getAttribute("data-scheme")) < 0 || !input.value) { return; }
      var kind = input.getAttribute("data-kind");
      var name = input.getAttribute("data-name");
      var location = input.getAttribute("data-location");
      var value = input.value;
      if (kind === "bearer") { value = "Bearer " + value; }
      if (kind === "basic") { value = "Basic " + btoa(value); }
      if (location === "query") { query.append(name, value); }
      else if (location === "cookie") { document.cookie = name + "=" + encodeURIComponent(value) + "; path=/; SameSite=Strict"; }
      else { headers.set(name, value); }
    });
  }

  function suffix() {
    var bytes = new Uint8Array(3);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function freshValue(value, sfx, max) {
    var at = value.indexOf("@");
    if (at >= 0) { return value.slice(0, at) + "+" + sfx + value.slice(at); }
    var joint = (value.indexOf(" ") >= 0 || /^[A-Z]/.test(value)) ? " " : "-";
    var room = max ? Math.max(max - sfx.length - 1, 0) : value.length;
    return room ? value.slice(0, room) + joint + sfx : sfx.slice(0, max);
  }

  function freshen(textarea) {
    var unique = textarea.getAttribute("data-unique");
    if (!unique) { return; }
    var fields = JSON.parse(unique);
    var body;
    try { body = JSON.parse(textarea.value); } catch (error) { return; }
    if (!body || typeof body !== "object") { return; }
    var changed = false;
    var sfx = suffix();
    Object.keys(fields).forEach(function (name) {
      var field = fields[name];
      if (body[name] === field.base || body[name] === field.shown) {
        field.shown = body[name] = freshValue(field.base, sfx, field.max);
        changed = true;
      }
    });
    if (changed) {
      textarea.value = JSON.stringify(body, null, 2);
      textarea.setAttribute("data-unique", JSON.stringify(fields));
    }
  }

  function buildRequest(form) {
    var path = form.getAttribute("data-path");
    var query = new URLSearchParams();
    var headers = new Headers();
    var accept = document.getElementById("cookbook-accept");
    if (accept && accept.value) { headers.set("Accept", accept.value); }
    var multipart = null;
    form.querySelectorAll("[data-in]").forEach(function (input) {
      var where = input.getAttribute("data-in");
      var name = input.getAttribute("data-name");
      if (where === "path") {
        path = path.split("{" + name + "}").join(encodeURIComponent(input.value));
      } else if (where === "query" && input.value !== "") {
        query.append(name, input.value);
      } else if (where === "header" && input.value !== "") {
        headers.set(name, input.value);
      } else if (where === "form" || where === "file") {
        multipart = multipart || new FormData();
        if (where === "file" && input.files.length) { multipart.append(name, input.files[0]); }
        if (where === "form") { multipart.append(name, input.value); }
      }
    });
    applyCredentials(form, headers, query);
    var method = form.getAttribute("data-method");
    var init = { method: method, headers: headers, credentials: "same-origin" };
    var textarea = form.querySelector("textarea[data-in='body']");
    if (textarea && form.getAttribute("data-tried")) { freshen(textarea); }
    form.setAttribute("data-tried", "true");
    if (multipart) {
      init.body = multipart;
    } else if (textarea && textarea.value !== "") {
      headers.set("Content-Type", form.getAttribute("data-media-type"));
      init.body = textarea.value;
    }
    if (UNSAFE[method]) {
      var extra = csrfHeaders();
      Object.keys(extra).forEach(function (name) { headers.set(name, extra[name]); });
    }
    var root = document.getElementById("cookbook").getAttribute("data-try-root") || "";
    var search = query.toString();
    return { url: root + path + (search ? "?" + search : ""), init: init };
  }

  function show(form, status, headerText, bodyText) {
    var result = form.querySelector("[data-result]");
    result.querySelector("[data-status]").textContent = status;
    result.querySelector("[data-headers]").textContent = headerText;
    result.querySelector("[data-body]").textContent = bodyText;
    result.hidden = false;
  }

  function pretty(text, type) {
    if (!/json/i.test(type || "")) { return text; }
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (error) { return text; }
  }

  function send(form) {
    var request = buildRequest(form);
    var button = form.querySelector("button[type='submit']");
    button.disabled = true;
    fetch(request.url, request.init).then(function (response) {
      var lines = [];
      response.headers.forEach(function (value, name) { lines.push(name + ": " + value); });
      return response.text().then(function (text) {
        show(form, response.status + " " + response.statusText, lines.join("\n"),
             pretty(text, response.headers.get("content-type")));
      });
    }).catch(function (error) {
      show(form, "request failed", "", String(error));
    }).then(function () { button.disabled = false; });
  }

  document.addEventListener("click", function (event) {
    var tab = event.target.closest("[data-tab]");
    if (tab) { selectTab(tab); return; }
    var button = event.target.closest("[data-copy]");
    if (button) { copy(button); }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-try]");
    if (!form) { return; }
    event.preventDefault();
    send(form);
  });
})();

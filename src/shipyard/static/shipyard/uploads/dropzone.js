/* Shipyard's drop zone (templates/uploads/dropzone.html): drag-and-drop or choose files,
   previews, per-file progress, cancel and retry, with no framework and nothing inline
   (works under the strict CSP).

   Each file is its own XHR POST of multipart/form-data to the zone's data-action, the
   file under data-field, with an X-Upload-Id of 22 random URL-safe characters and the
   page's CSRF token (from the body's hx-headers) as X-CSRF-Token. The browser reports
   bytes sent (the <progress> bar); the server's own progress (receiving, scanning,
   processing, done, failed) arrives over Server-Sent Events from data-progress + id.
   Image previews are data: URLs (the strict CSP allows data: images, not blob:).
   A finished upload fires "dropzone:uploaded" on the zone (detail: file, response). */
(function () {
  "use strict";

  var LABELS = {
    queued: "Waiting", sending: "Sending", receiving: "Receiving", scanning: "Scanning",
    processing: "Processing", done: "Done", failed: "Failed", cancelled: "Cancelled"
  };

  function uploadId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    var text = "";
    bytes.forEach(function (b) { text += String.fromCharCode(b); });
    return window.btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function csrfToken() {
    var raw = document.body.getAttribute("hx-headers");
    if (!raw) { return null; }
    try { return JSON.parse(raw)["X-CSRF-Token"] || null; } catch (e) { return null; }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function problemDetail(xhr) {
    try {
      var body = JSON.parse(xhr.responseText);
      return body.detail || body.title || ("Error " + xhr.status);
    } catch (e) {
      return xhr.status ? "Error " + xhr.status : "The connection failed.";
    }
  }

  function Item(zone, file) {
    this.zone = zone;
    this.file = file;
    this.xhr = null;
    this.events = null;
    this.node = element("li", "dropzone-file");
    this.node.setAttribute("data-state", "queued");
    var figure = element("div", "dropzone-preview");
    if (/^image\//.test(file.type)) {
      var img = element("img");
      img.alt = "";
      var reader = new FileReader();
      reader.onload = function () { img.src = reader.result; };
      reader.readAsDataURL(file);
      figure.appendChild(img);
    }
    this.node.appendChild(figure);
    var body = element("div", "dropzone-body");
    body.appendChild(element("span", "dropzone-name", file.name));
    this.bar = element("progress", "dropzone-progress");
    this.bar.max = file.size || 1;
    this.bar.value = 0;
    body.appendChild(this.bar);
    this.status = element("span", "dropzone-status", LABELS.queued);
    this.status.setAttribute("role", "status");
    body.appendChild(this.status);
    this.node.appendChild(body);
    this.cancelButton = element("button", "dropzone-cancel", "Cancel");
    this.cancelButton.type = "button";
    this.retryButton = element("button", "dropzone-retry", "Retry");
    this.retryButton.type = "button";
    this.retryButton.hidden = true;
    this.node.appendChild(this.cancelButton);
    this.node.appendChild(this.retryButton);
    var self = this;
    this.cancelButton.addEventListener("click", function () { self.cancel(); });
    this.retryButton.addEventListener("click", function () { self.start(); });
  }

  Item.prototype.show = function (state, message) {
    this.node.setAttribute("data-state", state);
    this.status.textContent = message || LABELS[state] || state;
    var over = state === "done" || state === "failed" || state === "cancelled";
    this.cancelButton.hidden = over;
    this.retryButton.hidden = !(state === "failed" || state === "cancelled");
    if (state === "cancelled") { this.stopListening(); }
    /* The server's last events may come after the response: wait for them a while. */
    else if (over && this.events) { window.setTimeout(this.stopListening.bind(this, this.events), 5000); }
  };

  Item.prototype.stopListening = function (events) {
    if (this.events && (!events || events === this.events)) {
      this.events.close();
      this.events = null;
    }
  };

  /* Subscribe to the server's progress of upload `id`, then call `ready` (once the
     stream is open, so no event is missed; at once without a progress URL). */
  Item.prototype.listen = function (id, ready) {
    if (!this.zone.progressUrl || !window.EventSource) { ready(); return; }
    var self = this;
    var started = false;
    function go() { if (!started) { started = true; ready(); } }
    this.events = new EventSource(this.zone.progressUrl + id);
    this.events.addEventListener("open", go);
    this.events.addEventListener("error", go);
    this.events.addEventListener("progress", function (event) {
      var data = JSON.parse(event.data);
      self.node.setAttribute("data-server-state", data.state);
      if (data.state === "done" || data.state === "failed") { self.stopListening(); }
      if (data.state === "failed") { self.show("failed", data.message); return; }
      if (data.state === "receiving" && data.total) {
        self.bar.max = data.total;
        self.bar.value = data.received;
      }
      if (data.state !== "done" && self.node.getAttribute("data-state") !== "done") {
        self.show(data.state);
      }
    });
  };

  Item.prototype.start = function () {
    var self = this;
    var id = uploadId();
    if (this.events) { this.events.close(); this.events = null; }
    var form = new FormData();
    form.append(this.zone.field, this.file, this.file.name);
    var xhr = new XMLHttpRequest();
    this.xhr = xhr;
    xhr.open("POST", this.zone.action);
    xhr.setRequestHeader("X-Upload-Id", id);
    xhr.setRequestHeader("Accept", "application/json");
    var token = csrfToken();
    if (token) { xhr.setRequestHeader("X-CSRF-Token", token); }
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        self.bar.max = event.total;
        self.bar.value = event.loaded;
      }
    });
    xhr.addEventListener("load", function () {
      if (xhr.status >= 200 && xhr.status < 300) {
        self.bar.value = self.bar.max;
        self.show("done");
        var response = null;
        try { response = JSON.parse(xhr.responseText); } catch (e) { response = xhr.responseText; }
        self.zone.root.dispatchEvent(new CustomEvent("dropzone:uploaded", {
          bubbles: true, detail: { file: self.file, response: response }
        }));
      } else {
        self.show("failed", problemDetail(xhr));
      }
    });
    xhr.addEventListener("error", function () { self.show("failed", problemDetail(xhr)); });
    xhr.addEventListener("abort", function () { self.show("cancelled"); });
    this.bar.value = 0;
    this.show("sending");
    this.listen(id, function () {
      if (self.xhr === xhr && xhr.readyState === 1) { xhr.send(form); }
    });
  };

  Item.prototype.cancel = function () {
    var xhr = this.xhr;
    this.xhr = null;  /* not sent yet: the stream's callback sends nothing */
    if (xhr) { xhr.abort(); }
    this.show("cancelled");
  };

  function Zone(root) {
    this.root = root;
    this.action = root.getAttribute("data-action");
    this.field = root.getAttribute("data-field") || "file";
    this.progressUrl = root.getAttribute("data-progress");
    this.list = root.querySelector(".dropzone-files");
    this.input = root.querySelector("input[type=file]");
    var self = this;
    root.addEventListener("dragover", function (event) {
      event.preventDefault();
      root.classList.add("dropzone-over");
    });
    root.addEventListener("dragleave", function () { root.classList.remove("dropzone-over"); });
    root.addEventListener("drop", function (event) {
      event.preventDefault();
      root.classList.remove("dropzone-over");
      self.add(event.dataTransfer.files);
    });
    this.input.addEventListener("change", function () {
      self.add(self.input.files);
      self.input.value = "";
    });
  }

  Zone.prototype.add = function (files) {
    for (var i = 0; i < files.length; i += 1) {
      var item = new Item(this, files[i]);
      this.list.appendChild(item.node);
      item.start();
    }
  };

  function init(root) {
    (root.querySelectorAll ? root.querySelectorAll("[data-dropzone]") : []).forEach(function (zone) {
      if (!zone.hasAttribute("data-dropzone-ready")) {
        zone.setAttribute("data-dropzone-ready", "");
        new Zone(zone);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
  if (document.readyState !== "loading") { init(document); }
}());

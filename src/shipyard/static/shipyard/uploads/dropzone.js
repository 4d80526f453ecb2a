/* Shipyard's drop zone (templates/uploads/dropzone.html): drag-and-drop or choose files,
   previews, per-file progress, cancel and retry, with no framework and nothing inline
   (works under the strict CSP).

   Each file is its own XHR POST of multipart/form-data to the zone's data-action, the
   file under data-field, with an X-Upload-Id of 22 random URL-safe characters and the
   page's CSRF token (from the body's hx-headers) as X-CSRF-Token. The browser reports
   bytes sent (the <progress> bar); the server's own progress (receiving, scanning,
   processing, done, failed) arrives over Server-Sent Events from data-progress + id.
   Image previews are data: URLs (the strict CSP allows data: images, not blob:).
   A finished upload fires "dropzone:uploaded" on the zone (detail: file, response).

   Direct mode (data-direct: the uploads extension's /uploads/direct) sends each file
   straight to the store in three steps: hash it (SHA-256, read a slice at a time),
   declare it (POST JSON filename, byte_size, checksum, content_type: the answer is a
   signed id and the request to send the bytes with), then send it (XHR PUT, progress
   from the browser). The signed id then goes into the zone's form as a hidden input
   named data-field, for the form's route to confirm (shipyard.uploads.direct). The
   CSRF token goes to this site only, never to S3 or Azure. */
(function () {
  "use strict";

  var LABELS = {
    queued: "Waiting", preparing: "Preparing", sending: "Sending", receiving: "Receiving",
    scanning: "Scanning",
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

  function sameSite(url) {
    return new URL(url, window.location.href).origin === window.location.origin;
  }

  /* SHA-256 (FIPS 180-4) fed a slice at a time: WebCrypto only hashes a whole buffer,
     and a direct upload may be larger than memory. */
  var K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ]);

  function rotate(x, n) { return (x >>> n) | (x << (32 - n)); }

  function Sha256() {
    this.h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                              0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    this.w = new Uint32Array(64);
    this.block = new Uint8Array(64);
    this.used = 0;
    this.length = 0;
  }

  Sha256.prototype.compress = function (data, at) {
    var w = this.w, h = this.h, i;
    for (i = 0; i < 16; i += 1) {
      w[i] = (data[at + 4 * i] << 24) | (data[at + 4 * i + 1] << 16) |
             (data[at + 4 * i + 2] << 8) | data[at + 4 * i + 3];
    }
    for (i = 16; i < 64; i += 1) {
      var s0 = rotate(w[i - 15], 7) ^ rotate(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      var s1 = rotate(w[i - 2], 17) ^ rotate(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (i = 0; i < 64; i += 1) {
      var t1 = (k + (rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)) +
                ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
      var t2 = ((rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)) +
                ((a & b) ^ (a & c) ^ (b & c))) | 0;
      k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
  };

  Sha256.prototype.update = function (bytes) {
    var i = 0;
    this.length += bytes.length;
    while (i < bytes.length) {
      if (this.used === 0 && i + 64 <= bytes.length) {
        this.compress(bytes, i);
        i += 64;
      } else {
        this.block[this.used] = bytes[i];
        this.used += 1;
        i += 1;
        if (this.used === 64) { this.compress(this.block, 0); this.used = 0; }
      }
    }
  };

  Sha256.prototype.digest = function () {
    var bits = this.length * 8;
    var tail = new Uint8Array(((this.used < 56) ? 64 : 128) - this.used);
    tail[0] = 0x80;
    var view = new DataView(tail.buffer);
    view.setUint32(tail.length - 8, Math.floor(bits / 0x100000000));
    view.setUint32(tail.length - 4, bits >>> 0);
    this.update(tail);
    var out = new Uint8Array(32);
    var outView = new DataView(out.buffer);
    for (var i = 0; i < 8; i += 1) { outView.setUint32(4 * i, this.h[i]); }
    return out;
  };

  /* The base64 SHA-256 of `file`, read 4 MiB at a time: a promise. */
  function checksum(file) {
    var hash = new Sha256();
    var SLICE = 4 * 1024 * 1024;
    function from(start) {
      if (start >= file.size) {
        var text = "";
        hash.digest().forEach(function (b) { text += String.fromCharCode(b); });
        return Promise.resolve(window.btoa(text));
      }
      return file.slice(start, start + SLICE).arrayBuffer().then(function (buffer) {
        hash.update(new Uint8Array(buffer));
        return from(start + SLICE);
      });
    }
    return from(0);
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

  /* Open `xhr` as this item's request (with the CSRF token when it goes to this site);
     `done(response)` after a 2xx, "failed" with the server's reason otherwise; the bar
     follows the bytes sent when `tracked`. The caller sends it. */
  Item.prototype.open = function (xhr, method, url, tracked, done) {
    var self = this;
    this.xhr = xhr;
    xhr.open(method, url);
    xhr.setRequestHeader("Accept", "application/json");
    var token = sameSite(url) ? csrfToken() : null;
    if (token) { xhr.setRequestHeader("X-CSRF-Token", token); }
    if (tracked) {
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) {
          self.bar.max = event.total;
          self.bar.value = event.loaded;
        }
      });
    }
    xhr.addEventListener("load", function () {
      if (xhr.status >= 200 && xhr.status < 300) {
        var response = null;
        try { response = JSON.parse(xhr.responseText); } catch (e) { response = xhr.responseText; }
        done(response);
      } else {
        self.show("failed", problemDetail(xhr));
      }
    });
    xhr.addEventListener("error", function () { self.show("failed", problemDetail(xhr)); });
    xhr.addEventListener("abort", function () { self.show("cancelled"); });
  };

  Item.prototype.finish = function (response) {
    this.bar.value = this.bar.max;
    this.show("done");
    this.zone.root.dispatchEvent(new CustomEvent("dropzone:uploaded", {
      bubbles: true, detail: { file: this.file, response: response }
    }));
  };

  Item.prototype.start = function () {
    this.bar.value = 0;
    if (this.zone.direct) { this.startDirect(); } else { this.startPost(); }
  };

  Item.prototype.startPost = function () {
    var self = this;
    var id = uploadId();
    if (this.events) { this.events.close(); this.events = null; }
    var form = new FormData();
    form.append(this.zone.field, this.file, this.file.name);
    var xhr = new XMLHttpRequest();
    this.open(xhr, "POST", this.zone.action, true, this.finish.bind(this));
    xhr.setRequestHeader("X-Upload-Id", id);
    this.show("sending");
    this.listen(id, function () {
      if (self.xhr === xhr && xhr.readyState === 1) { xhr.send(form); }
    });
  };

  Item.prototype.startDirect = function () {
    var self = this;
    var file = this.file;
    var attempt = {};  /* a cancel or a retry makes the steps still in flight stale */
    this.attempt = attempt;
    this.xhr = null;
    this.show("preparing");
    checksum(file).then(function (digest) {
      if (self.attempt !== attempt) { return; }
      var xhr = new XMLHttpRequest();
      self.open(xhr, "POST", self.zone.direct, false, self.sendToStore.bind(self));
      xhr.setRequestHeader("Content-Type", "application/json");
      xhr.send(JSON.stringify({
        filename: file.name, byte_size: file.size, checksum: digest,
        content_type: file.type || "application/octet-stream"
      }));
    }, function () {
      if (self.attempt === attempt) { self.show("failed", "The file could not be read."); }
    });
  };

  /* The store's request for this file's bytes; once sent, the signed id joins the form. */
  Item.prototype.sendToStore = function (target) {
    var self = this;
    var xhr = new XMLHttpRequest();
    this.open(xhr, target.method, target.url, true, function () {
      self.signed = element("input");
      self.signed.type = "hidden";
      self.signed.name = self.zone.field;
      self.signed.value = target.signed_id;
      self.node.appendChild(self.signed);
      self.finish({ signed_id: target.signed_id });
    });
    Object.keys(target.headers).forEach(function (name) {
      xhr.setRequestHeader(name, target.headers[name]);
    });
    this.show("sending");
    xhr.send(this.file);
  };

  Item.prototype.cancel = function () {
    var xhr = this.xhr;
    this.xhr = null;  /* not sent yet: the stream's callback sends nothing */
    this.attempt = null;
    if (xhr) { xhr.abort(); }
    this.show("cancelled");
  };

  function Zone(root) {
    this.root = root;
    this.action = root.getAttribute("data-action");
    this.direct = root.getAttribute("data-direct");
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

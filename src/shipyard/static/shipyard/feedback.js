/* Shipyard's feedback defaults, loaded by layouts/base.html (a static file: the strict
   CSP allows no inline script). Every action gets feedback without per-template work:

   - while an htmx request runs, its trigger (the button, or the form's submit buttons)
     is disabled and marked aria-busy (a spinner), and a progress bar runs at the top;
     plain form submissions mark their submit button the same way;
   - hx-confirm="..." (htmx) and data-confirm="..." (plain forms) ask in an accessible
     <dialog> instead of window.confirm; data-confirm-label names the confirm button;
   - toasts in #flash-messages get a dismiss button and go away by themselves (errors
     stay longer; hovering or focusing one keeps it);
   - a form answered with errors (422) gets the focus on its first invalid field;
   - a successful htmx DELETE clears error messages left on the page's forms (the data
     they were about has changed);
   - Enter in a reference's search box (data-sy-search) searches instead of submitting
     its form.
   See docs/design.md. */
(function () {
  "use strict";

  var TOAST_MS = 6000;
  var ERROR_TOAST_MS = 12000;

  /* Busy triggers ------------------------------------------------------------------ */

  function busyTargets(element) {
    if (element.tagName === "FORM") {
      return Array.prototype.slice.call(
        element.querySelectorAll('button:not([type="button"]), input[type="submit"]'));
    }
    if (element.tagName === "BUTTON" || element.tagName === "INPUT") {
      return [element];
    }
    return [];
  }

  function markBusy(element) {
    busyTargets(element).forEach(function (target) {
      if (target.disabled) {
        return;
      }
      target.disabled = true;
      target.setAttribute("aria-busy", "true");
      target.setAttribute("data-sy-busy", "");
    });
    if (element.tagName === "A") {
      element.setAttribute("aria-disabled", "true");
      element.setAttribute("data-sy-busy", "");
    }
  }

  function clearBusy(root) {
    var busy = root.querySelectorAll ? root.querySelectorAll("[data-sy-busy]") : [];
    var all = Array.prototype.slice.call(busy);
    if (root.hasAttribute && root.hasAttribute("data-sy-busy")) {
      all.push(root);
    }
    all.forEach(function (target) {
      target.removeAttribute("data-sy-busy");
      target.removeAttribute("aria-busy");
      target.removeAttribute("aria-disabled");
      if ("disabled" in target) {
        target.disabled = false;
      }
    });
  }

  var running = 0;
  var progress = null;

  function setRunning(delta) {
    running = Math.max(0, running + delta);
    if (!progress) {
      progress = document.createElement("div");
      progress.className = "sy-progress";
      progress.setAttribute("aria-hidden", "true");
      document.body.appendChild(progress);
    }
    document.documentElement.classList.toggle("sy-busy", running > 0);
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    setRunning(1);
    markBusy(event.detail.elt);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    setRunning(-1);
    clearBusy(event.detail.elt);
    var verb = event.detail.requestConfig && event.detail.requestConfig.verb;
    if (event.detail.successful && verb === "delete") {
      clearFormErrors();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.method === "dialog" || form.hasAttribute("hx-post") || form.hasAttribute("hx-put") ||
        form.hasAttribute("hx-patch") || form.hasAttribute("hx-delete") ||
        form.closest("[hx-boost=true]")) {
      return;
    }
    /* After the browser has collected the form's values (a disabled submitter would be
       left out of them). */
    window.setTimeout(function () { markBusy(form); }, 0);
  });
  window.addEventListener("pageshow", function () { clearBusy(document); });

  /* A form answered with its errors (422): focus the first invalid field, so keyboard and
     screen reader users land on it and hear its error (aria-describedby). */
  document.addEventListener("htmx:afterSettle", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || xhr.status !== 422) {
      return;
    }
    var target = event.detail.elt && event.detail.elt.isConnected ? event.detail.elt : document;
    var invalid = target.querySelector('[aria-invalid="true"]') ||
      document.querySelector('form [aria-invalid="true"]');
    if (invalid) {
      invalid.focus();
    }
  });

  /* Reference search boxes: Enter fires their htmx "search" trigger; the form stays. */
  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (event.key === "Enter" && box.matches && box.matches("input[data-sy-search]")) {
      event.preventDefault();
      if (window.htmx) {
        window.htmx.trigger(box, "search");
      }
    }
  });

  /* Stale form errors ----------------------------------------------------------------- */

  function clearFormErrors() {
    document.querySelectorAll("form .field-errors, form .form-errors").forEach(function (node) {
      node.remove();
    });
    document.querySelectorAll("form .has-error").forEach(function (node) {
      node.classList.remove("has-error");
    });
    document.querySelectorAll('form [aria-invalid="true"]').forEach(function (node) {
      node.removeAttribute("aria-invalid");
      var described = (node.getAttribute("aria-describedby") || "").split(" ").filter(
        function (id) { return id && !/-error$/.test(id); });
      if (described.length) {
        node.setAttribute("aria-describedby", described.join(" "));
      } else {
        node.removeAttribute("aria-describedby");
      }
    });
  }

  /* Confirmation dialog --------------------------------------------------------------- */

  var dialog = null;

  function confirmDialog() {
    if (dialog) {
      return dialog;
    }
    dialog = document.createElement("dialog");
    dialog.className = "sy-confirm";
    dialog.setAttribute("aria-labelledby", "sy-confirm-title");
    dialog.setAttribute("aria-describedby", "sy-confirm-text");
    var form = document.createElement("form");
    form.method = "dialog";
    var title = document.createElement("h2");
    title.id = "sy-confirm-title";
    title.textContent = "Please confirm";
    var text = document.createElement("p");
    text.id = "sy-confirm-text";
    var actions = document.createElement("div");
    actions.className = "actions";
    var cancel = document.createElement("button");
    cancel.value = "cancel";
    cancel.className = "button-secondary";
    cancel.textContent = "Cancel";
    var ok = document.createElement("button");
    ok.value = "confirm";
    ok.className = "button-danger";
    ok.setAttribute("data-sy-confirm", "");
    actions.append(cancel, ok);
    form.append(title, text, actions);
    dialog.append(form);
    document.body.appendChild(dialog);
    return dialog;
  }

  function ask(question, label, then) {
    var box = confirmDialog();
    box.querySelector("#sy-confirm-text").textContent = question;
    box.querySelector("[data-sy-confirm]").textContent = label || "Confirm";
    box.returnValue = "";
    box.addEventListener("close", function onClose() {
      box.removeEventListener("close", onClose);
      if (box.returnValue === "confirm") {
        then();
      }
    });
    box.showModal();
    box.querySelector("[data-sy-confirm]").focus();
  }

  function confirmLabel(element) {
    var labelled = element.closest("[data-confirm-label]");
    return labelled ? labelled.getAttribute("data-confirm-label") : "";
  }

  document.addEventListener("htmx:confirm", function (event) {
    var question = event.detail.question;
    if (!question) {
      return;
    }
    event.preventDefault();
    ask(question, confirmLabel(event.detail.elt), function () {
      event.detail.issueRequest(true);
    });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (!question || form.hasAttribute("data-sy-confirmed")) {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    var submitter = event.submitter || null;
    ask(question, confirmLabel(form), function () {
      form.setAttribute("data-sy-confirmed", "");
      form.requestSubmit(submitter);
      form.removeAttribute("data-sy-confirmed");
    });
  }, true);

  /* Toasts ------------------------------------------------------------------------------ */

  function isError(toast) {
    return toast.classList.contains("flash-error") || toast.classList.contains("error") ||
      toast.querySelector(".error") !== null;
  }

  function dismiss(toast) {
    if (!toast.isConnected || toast.classList.contains("toast-leaving")) {
      return;
    }
    toast.classList.add("toast-leaving");
    window.setTimeout(function () { toast.remove(); }, 200);
  }

  function setUpToast(toast) {
    if (toast.nodeType !== 1 || toast.hasAttribute("data-sy-toast")) {
      return;
    }
    toast.setAttribute("data-sy-toast", "");
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "×";
    close.addEventListener("click", function () { dismiss(toast); });
    toast.appendChild(close);
    var timer = null;
    function start() {
      timer = window.setTimeout(function () { dismiss(toast); },
        isError(toast) ? ERROR_TOAST_MS : TOAST_MS);
    }
    function stop() {
      window.clearTimeout(timer);
    }
    toast.addEventListener("mouseenter", stop);
    toast.addEventListener("mouseleave", start);
    toast.addEventListener("focusin", stop);
    toast.addEventListener("focusout", start);
    start();
  }

  /* The region may be replaced by a boosted navigation: look it up after every swap. */
  function watchToasts() {
    var region = document.getElementById("flash-messages");
    if (!region) {
      return;
    }
    Array.prototype.forEach.call(region.children, setUpToast);
    if (!region.hasAttribute("data-sy-watched")) {
      region.setAttribute("data-sy-watched", "");
      new MutationObserver(function () {
        Array.prototype.forEach.call(region.children, setUpToast);
      }).observe(region, { childList: true });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watchToasts);
  } else {
    watchToasts();
  }
  document.addEventListener("htmx:afterSettle", watchToasts);
})();

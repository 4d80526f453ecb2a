/* Starts ReDoc (shipyard.api.apidocs) without an inline script: the document's URL is
 * #redoc's data-spec-url, and the styles ReDoc injects carry this script's CSP nonce.
 * Search is off: ReDoc runs it in a worker made from a blob: URL, which the strict CSP
 * refuses (worker-src falls back to script-src). */
(function () {
  "use strict";

  var element = document.getElementById("redoc");
  var script = document.currentScript;
  var options = { nonce: script ? script.nonce : undefined, disableSearch: true };
  Redoc.init(element.getAttribute("data-spec-url"), options, element);
})();

/* Starts Swagger UI (shipyard.api.apidocs) without an inline script.
 *
 * The configuration is the JSON in #swagger-ui's data-config attribute (FastAPI's
 * swagger_ui_parameters included); oauth2RedirectUrl is a path, made absolute here, and
 * initOAuth is passed to ui.initOAuth. Requests to this site carry the page's CSRF token
 * (data-csrf-token), so "Try it out" also works for a logged-in browser session. */
(function () {
  "use strict";

  var element = document.getElementById("swagger-ui");
  var config = JSON.parse(element.getAttribute("data-config"));
  var csrfToken = element.getAttribute("data-csrf-token");
  var initOAuth = config.initOAuth;
  delete config.initOAuth;
  if (config.oauth2RedirectUrl) {
    config.oauth2RedirectUrl = window.location.origin + config.oauth2RedirectUrl;
  }
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  config.requestInterceptor = function (request) {
    var target = new URL(request.url, window.location.href);
    if (csrfToken && target.origin === window.location.origin) {
      request.headers["X-CSRF-Token"] = csrfToken;
    }
    return request;
  };
  var ui = SwaggerUIBundle(config);
  if (initOAuth) { ui.initOAuth(initOAuth); }
  window.ui = ui;
})();

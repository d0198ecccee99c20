// Swagger UI for the API, from the vendored copy (no CDN).
(function () {
  var me = document.currentScript;
  window.ui = SwaggerUIBundle({ url: me.getAttribute("data-openapi"), dom_id: "#swagger-ui", deepLinking: true });
})();

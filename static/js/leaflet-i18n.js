/*
 * Leaflet's own words in the page's language, for every map of the site (load it after
 * leaflet.js and the JavaScript catalogue, before the map's own script): the zoom buttons'
 * titles and names, the attribution's "Leaflet" link title, and the name of a popup's close
 * button, which also answers Space as a button does (Leaflet makes it an <a role="button">,
 * which only Enter would press).
 *
 * Leaflet 1.9 writes these in English in its options' defaults and, for the close button, in
 * Popup's layout: the defaults are changed here once (mergeOptions), and the close button
 * renamed when a popup is added to a map.
 */
(function () {
  "use strict";

  if (typeof L === "undefined") {
    return;
  }
  var t = typeof window.gettext === "function" ? window.gettext : function (s) { return s; };

  function escapeAttribute(value) {
    return String(value).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }

  L.Control.Zoom.mergeOptions({ zoomInTitle: t("Zoom in"), zoomOutTitle: t("Zoom out") });

  // Leaflet's own prefix (its link, and the flag it draws), with the link's title translated.
  var prefix = L.Control.Attribution.prototype.options.prefix;
  if (typeof prefix === "string") {
    L.Control.Attribution.mergeOptions({
      prefix: prefix.replace(/title="[^"]*"/, 'title="' + escapeAttribute(t("A JavaScript library for interactive maps")) + '"'),
    });
  }

  L.Popup.addInitHook(function () {
    this.on("add", function () {
      var button = this._closeButton;
      if (!button || button.dataset.cfmNamed) {
        return;
      }
      button.dataset.cfmNamed = "true";
      button.setAttribute("aria-label", t("Close"));
      button.title = t("Close");
      L.DomEvent.on(button, "keydown", function (event) {
        if (event.key === " " || event.key === "Spacebar") {
          L.DomEvent.preventDefault(event);
          button.click();
        }
      });
    });
  });
})();

/*
 * Mini-maps of templates/public/includes/mini_map.html: each .cfm-mini-map element is a
 * small Leaflet map centred on data-lat / data-lon with one marker, drawn as a picture: the
 * element is role="img" with a text alternative (its aria-label), so nothing inside it may
 * take the focus or answer the pointer. No zoom buttons, no keyboard, no dragging or zooming,
 * a marker that is not a button, and no attribution control: the tiles' attribution is
 * written beside the picture, in its caption. Whoever wants to move about follows the
 * caption's link to the map of signatories.
 */
(function () {
  "use strict";

  var STILL = {
    zoomControl: false,
    attributionControl: false,
    keyboard: false,
    dragging: false,
    touchZoom: false,
    doubleClickZoom: false,
    scrollWheelZoom: false,
    boxZoom: false,
    tapHold: false,
  };

  function draw(element) {
    if (element.dataset.drawn || typeof L === "undefined") {
      return;
    }
    var lat = parseFloat(element.dataset.lat);
    var lon = parseFloat(element.dataset.lon);
    if (!isFinite(lat) || !isFinite(lon)) {
      return;
    }
    element.dataset.drawn = "true";
    element.textContent = "";
    var zoom = parseInt(element.dataset.zoom, 10) || 9;
    var map = L.map(element, STILL).setView([lat, lon], zoom);
    var tiles = L.tileLayer(element.dataset.tileUrl, { maxZoom: 18 });
    tiles.on("tileerror", function () {
      element.classList.add("tiles-unavailable");
    });
    tiles.addTo(map);
    L.marker([lat, lon], {
      icon: L.divIcon({
        className: "sig-marker sig-marker--here",
        html: '<span class="sig-shape"><span class="sig-symbol"></span></span>',
        iconSize: [20, 20],
        iconAnchor: [10, 10],
      }),
      interactive: false,
      keyboard: false,
    }).addTo(map);
    // (Leaflet gives none of these a tab stop when told so; in case a later version does.)
    element.removeAttribute("tabindex");
    element.querySelectorAll("a[href], button, input, select, textarea, [tabindex]").forEach(function (node) {
      node.setAttribute("tabindex", "-1");
    });
  }

  function drawAll() {
    document.querySelectorAll(".cfm-mini-map").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();

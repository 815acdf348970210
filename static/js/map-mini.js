/*
 * Mini-maps of templates/campaign/includes/mini_map.html: each .cfm-mini-map element is a
 * small Leaflet map centred on data-lat / data-lon with one marker. Scroll-wheel zoom is off
 * so that the page scrolls over it; the map stays keyboard-operable.
 */
(function () {
  "use strict";

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
    var map = L.map(element, { scrollWheelZoom: false, attributionControl: true }).setView([lat, lon], zoom);
    var tiles = L.tileLayer(element.dataset.tileUrl, {
      attribution: element.dataset.tileAttribution,
      maxZoom: 18,
    });
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
      title: element.dataset.label || "",
      keyboard: false,
    }).addTo(map);
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

/*
 * Position picker of templates/accounts/municipality_request.html: a Leaflet map whose marker
 * fills the latitude and longitude inputs named by data-lat-input / data-lon-input.
 *
 * - a click on the map, or dragging the marker, sets the position;
 * - from the keyboard: the map takes focus, the arrow keys move it (Leaflet's own keys),
 *   Enter or Space puts the marker at the map's centre;
 * - typing in the inputs moves the marker.
 * The inputs work on their own: without script (or tiles) the form is still complete.
 */
(function () {
  "use strict";

  var DEFAULT_ZOOM = 12;

  function parse(input) {
    var value = parseFloat(String(input.value || "").replace(",", ".").replace("\u2212", "-"));
    return isFinite(value) ? value : null;
  }

  function round(value) {
    return Math.round(value * 100000) / 100000;
  }

  function picker(element) {
    if (element.dataset.drawn || typeof L === "undefined") return;
    var latInput = document.getElementById(element.dataset.latInput);
    var lonInput = document.getElementById(element.dataset.lonInput);
    if (!latInput || !lonInput) return;
    var status = document.getElementById("position-status");
    element.dataset.drawn = "true";
    element.hidden = false;

    var lat = parse(latInput);
    var lon = parse(lonInput);
    var known = lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
    var map = L.map(element, { scrollWheelZoom: false, keyboard: true, worldCopyJump: true }).setView(
      known ? [lat, lon] : [20, 10],
      known ? DEFAULT_ZOOM : 2
    );
    var container = map.getContainer();
    // Its own keys (arrows pan, Enter places the marker): an application, named and described.
    container.setAttribute("role", "application");
    container.setAttribute("aria-label", element.dataset.label || "");
    container.setAttribute("aria-describedby", "position-help");
    var tiles = L.tileLayer(element.dataset.tileUrl, { attribution: element.dataset.tileAttribution, maxZoom: 18 });
    tiles.on("tileerror", function () {
      element.classList.add("tiles-unavailable");
    });
    tiles.addTo(map);

    var marker = null;

    function announce(latlng) {
      if (!status) return;
      status.textContent = (element.dataset.placed || "%(lat)s, %(lon)s")
        .replace("%(lat)s", String(round(latlng.lat)))
        .replace("%(lon)s", String(round(latlng.lng)));
    }

    function place(latlng, fill) {
      var wrapped = latlng.wrap();
      if (!marker) {
        marker = L.marker(wrapped, {
          draggable: true,
          keyboard: true,
          title: element.dataset.markerLabel || "",
          alt: element.dataset.markerLabel || "",
        }).addTo(map);
        marker.on("dragend", function () {
          place(marker.getLatLng(), true);
        });
      } else {
        marker.setLatLng(wrapped);
      }
      if (fill) {
        latInput.value = String(round(wrapped.lat));
        lonInput.value = String(round(wrapped.lng));
        announce(wrapped);
      }
    }

    if (known) place(L.latLng(lat, lon), false);

    map.on("click", function (event) {
      place(event.latlng, true);
    });
    container.addEventListener("keydown", function (event) {
      if (event.target !== container) return; // the zoom buttons and the marker keep their keys
      if (event.key === "Enter" || event.key === " " || event.key === "Spacebar") {
        event.preventDefault();
        place(map.getCenter(), true);
      }
    });

    function fromInputs() {
      var a = parse(latInput);
      var b = parse(lonInput);
      if (a === null || b === null || Math.abs(a) > 90 || Math.abs(b) > 180) return;
      place(L.latLng(a, b), false);
      map.setView([a, b], Math.max(map.getZoom(), DEFAULT_ZOOM));
    }
    latInput.addEventListener("change", fromInputs);
    lonInput.addEventListener("change", fromInputs);
  }

  function drawAll() {
    document.querySelectorAll(".cfm-position-picker").forEach(picker);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();

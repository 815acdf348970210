/*
 * The map's peer learning layers (templates/public/map.html): the public local actions, a
 * marker at each city that has some (its popup lists them, linked to the library), and the
 * confirmed partnerships, a line between the two cities (its popup names the kind and both
 * cities, linked to their profiles). Each layer has a checkbox under the filters; a layer's
 * GeoJSON (campaign/public/map_learning.py) is fetched the first time it is shown. The
 * markers are keyboard-usable (Leaflet's own: Tab reaches them, Enter opens the popup); a
 * line's popup opens on a click, and what it says is on both cities' profiles too.
 */
(function () {
  "use strict";

  var configElement = document.getElementById("map-config");
  if (!configElement || typeof L === "undefined" || !window.cfmMap || !window.cfmMap.map) {
    return;
  }
  var config = JSON.parse(configElement.textContent).learning;
  if (!config) {
    return;
  }
  var map = window.cfmMap.map;
  var t = typeof window.gettext === "function" ? window.gettext : function (s) { return s; };
  var nt = typeof window.ngettext === "function" ? window.ngettext : function (s, p, n) { return n === 1 ? s : p; };
  function named(f, values) {
    return typeof window.interpolate === "function"
      ? window.interpolate(f, values, true)
      : f.replace(/%\((\w+)\)s/g, function (all, key) { return String(values[key]); });
  }
  var status = document.getElementById("map-layers-status");

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  function link(text, href, lang) {
    if (!href) {
      var span = el("span", "", text);
      span.dir = "auto";
      return span;
    }
    var a = el("a", "", text);
    a.href = href;
    a.dir = "auto";
    if (lang) {
      a.lang = lang;
    }
    return a;
  }

  function announce(text) {
    if (status) {
      status.textContent = text;
    }
  }

  // --- actions: one marker per city ---------------------------------------------------------

  function actionsLayer(data) {
    var byCity = {};
    var order = [];
    (data.features || []).forEach(function (f) {
      var key = f.geometry.coordinates.join(",");
      if (!byCity[key]) {
        byCity[key] = [];
        order.push(key);
      }
      byCity[key].push(f);
    });
    var group = L.layerGroup();
    order.forEach(function (key) {
      var features = byCity[key];
      var first = features[0].properties;
      var coords = features[0].geometry.coordinates;
      var label = named(
        nt("%(city)s: %(count)s local action", "%(city)s: %(count)s local actions", features.length),
        { city: first.city, count: features.length }
      );
      var icon = L.divIcon({
        className: "learning-action-marker",
        html: '<span class="learning-action-shape" aria-hidden="true">★</span>',
        iconSize: [22, 22],
        iconAnchor: [11, 11],
        popupAnchor: [0, -10],
      });
      var marker = L.marker([coords[1], coords[0]], { icon: icon, title: label, alt: label, keyboard: true });
      var content = el("div", "learning-popup");
      content.appendChild(link(first.city, first.city_url));
      var list = el("ul", "list-unstyled mb-0 mt-1");
      features.forEach(function (f) {
        var li = el("li");
        li.appendChild(link(f.properties.title, f.properties.url, f.properties.language));
        list.appendChild(li);
      });
      content.appendChild(list);
      marker.bindPopup(content);
      var element = marker.getElement && marker.getElement();
      if (element) {
        element.setAttribute("aria-label", label);
      }
      group.addLayer(marker);
    });
    return { layer: group, count: (data.features || []).length };
  }

  // --- partnerships: one line each ------------------------------------------------------------

  function partnershipsLayer(data) {
    var group = L.layerGroup();
    (data.features || []).forEach(function (f) {
      var p = f.properties;
      var coords = f.geometry.coordinates.map(function (c) { return [c[1], c[0]]; });
      var line = L.polyline(coords, { className: "learning-partnership-line", weight: 3, dashArray: "6 4" });
      var content = el("div", "learning-popup");
      content.appendChild(el("div", "fw-semibold", p.kind_label));
      var cities = el("div");
      cities.appendChild(link(p.cities[0].name, p.cities[0].url));
      cities.appendChild(document.createTextNode(" – "));
      cities.appendChild(link(p.cities[1].name, p.cities[1].url));
      content.appendChild(cities);
      line.bindPopup(content);
      group.addLayer(line);
    });
    return { layer: group, count: (data.features || []).length };
  }

  // --- the toggles ----------------------------------------------------------------------------

  var layers = {
    actions: { url: config.actions, build: actionsLayer, layer: null, loading: null },
    partnerships: { url: config.partnerships, build: partnershipsLayer, layer: null, loading: null },
  };
  var messages = {
    actions: function (n) { return named(nt("%(count)s local action shown.", "%(count)s local actions shown.", n), { count: n }); },
    partnerships: function (n) { return named(nt("%(count)s partnership shown.", "%(count)s partnerships shown.", n), { count: n }); },
  };

  function load(name) {
    var entry = layers[name];
    if (!entry.loading) {
      entry.loading = fetch(entry.url, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          var built = entry.build(data);
          entry.layer = built.layer;
          entry.count = built.count;
          return entry;
        });
      entry.loading.catch(function () { entry.loading = null; });
    }
    return entry.loading;
  }

  function toggle(name, checkbox) {
    var entry = layers[name];
    if (!checkbox.checked) {
      if (entry.layer) {
        map.removeLayer(entry.layer);
      }
      return;
    }
    load(name)
      .then(function () {
        if (checkbox.checked) {
          entry.layer.addTo(map);
          announce(messages[name](entry.count));
        }
      })
      .catch(function () {
        checkbox.checked = false;
        announce(t("This layer could not be loaded. Please try again later."));
      });
  }

  Object.keys(layers).forEach(function (name) {
    var checkbox = document.getElementById("layer-" + name);
    if (!checkbox) {
      return;
    }
    checkbox.disabled = false;
    checkbox.addEventListener("change", function () { toggle(name, checkbox); });
    if (checkbox.checked) {
      toggle(name, checkbox);
    }
  });
})();

/*
 * The signatory map (templates/campaign/map.html) and the embeddable map
 * (templates/campaign/embed_map.html).
 *
 * Reads its settings from the JSON element #map-config, fetches the GeoJSON once, builds
 * every marker in one pass (one shared icon per reporting state, popups built only when
 * opened) and hands them to Leaflet.markercluster with chunkedLoading, so that tens of
 * thousands of signatories never block the page for long. Filters refilter in the browser,
 * update the address (shareable), the live count and the list beside the map; the list
 * renders 100 rows at a time behind a "Show more" button.
 *
 * When map tiles cannot load, the container's background colour and a light graticule
 * stand in and the markers still show.
 *
 * For measurement: window.cfmMap exposes the Leaflet map, the cluster group and
 * timings (firstRenderMs, lastRenderMs); the map element gets data-rendered="true" and the
 * document a "cfm:map-rendered" event each time the clusters have been drawn.
 */
(function () {
  "use strict";

  var configElement = document.getElementById("map-config");
  var mapElement = document.getElementById("signatory-map");
  if (!configElement || !mapElement || typeof L === "undefined") {
    return;
  }
  var config = JSON.parse(configElement.textContent);
  var t = typeof window.gettext === "function" ? window.gettext : function (s) { return s; };
  var nt = typeof window.ngettext === "function" ? window.ngettext : function (s, p, n) { return n === 1 ? s : p; };
  var fmt = typeof window.interpolate === "function"
    ? window.interpolate
    : function (f, args) { var i = 0; return f.replace(/%s/g, function () { return String(args[i++]); }); };

  var LIST_PAGE = 100;
  var FILTERS = ["campaign", "continent", "country", "commitment", "reporting"];
  var SYMBOLS = { on_time: "✓", late: "!", none: "–" };
  var lang = document.documentElement.lang || "en";
  var dateFormat;
  try {
    dateFormat = new Intl.DateTimeFormat(lang, { year: "numeric", month: "long", day: "numeric" });
  } catch (e) {
    dateFormat = null;
  }

  var form = document.getElementById("map-filters");
  var countElement = document.getElementById("map-count");
  var listElement = document.getElementById("map-list");
  var moreButton = document.getElementById("map-list-more");

  // Milliseconds since navigation start (performance.now()'s origin).
  var timings = { scriptMs: performance.now(), firstRenderMs: null, lastRenderMs: null, renders: 0 };
  window.cfmMap = { timings: timings };

  // --- the map --------------------------------------------------------------------------

  var map = L.map(mapElement, { worldCopyJump: true, minZoom: 1, zoomControl: true }).setView([25, 10], 2);
  window.cfmMap.map = map;
  var tiles = L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 18 });
  var tilesFailed = false;
  tiles.on("tileerror", function () {
    if (tilesFailed) {
      return;
    }
    tilesFailed = true;
    mapElement.classList.add("tiles-unavailable");
    drawGraticule();
    var notice = L.control({ position: "bottomleft" });
    notice.onAdd = function () {
      var div = L.DomUtil.create("div", "map-notice");
      div.textContent = t("The background map could not load; the signatories are still shown.");
      return div;
    };
    notice.addTo(map);
  });
  tiles.addTo(map);

  function drawGraticule() {
    var lines = [];
    var lat, lon;
    for (lat = -60; lat <= 60; lat += 30) {
      lines.push([[lat, -540], [lat, 540]]);
    }
    for (lon = -540; lon <= 540; lon += 30) {
      lines.push([[-85, lon], [85, lon]]);
    }
    L.polyline(lines, { color: "#ffffff", weight: 1, opacity: 0.7, interactive: false }).addTo(map);
  }

  var icons = {};
  Object.keys(SYMBOLS).forEach(function (state) {
    icons[state] = L.divIcon({
      className: "sig-marker sig-marker--" + state,
      html: '<span class="sig-shape"><span class="sig-symbol">' + SYMBOLS[state] + "</span></span>",
      iconSize: [22, 22],
      iconAnchor: [11, 11],
      popupAnchor: [0, -10],
    });
  });

  var clusters = L.markerClusterGroup({
    chunkedLoading: true,
    chunkInterval: 40,
    chunkDelay: 10,
    showCoverageOnHover: false,
    maxClusterRadius: 50,
    spiderfyOnMaxZoom: true,
    iconCreateFunction: function (cluster) {
      var n = cluster.getChildCount();
      var size = n < 10 ? 34 : n < 100 ? 40 : n < 1000 ? 46 : 52;
      return L.divIcon({
        html: "<div><span>" + n + "</span></div>",
        className: "marker-cluster marker-cluster-cfm",
        iconSize: L.point(size, size),
      });
    },
    chunkProgress: function (processed, total) {
      // (0 of 0 when the empty group joins the map: nothing drawn yet)
      if (total > 0 && processed >= total) {
        rendered();
      }
    },
  });
  map.addLayer(clusters);
  window.cfmMap.clusters = clusters;

  function rendered() {
    var ms = performance.now();
    if (timings.firstRenderMs === null) {
      timings.firstRenderMs = ms;
    }
    timings.lastRenderMs = ms;
    timings.renders += 1;
    mapElement.dataset.rendered = "true";
    document.dispatchEvent(new CustomEvent("cfm:map-rendered", { detail: { ms: ms } }));
  }

  // --- data -----------------------------------------------------------------------------

  var records = [];

  function profileUrl(slug) {
    return config.profileUrl.replace("__slug__", encodeURIComponent(slug));
  }

  function formatDate(iso) {
    if (!iso) {
      return "";
    }
    if (!dateFormat) {
      return iso;
    }
    var parts = iso.split("-");
    return dateFormat.format(new Date(Date.UTC(+parts[0], +parts[1] - 1, +parts[2], 12)));
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function stateBadge(state) {
    var badge = el("span", "state-label state-label--" + state);
    var symbol = el("span", "sig-marker sig-marker--inline sig-marker--" + state);
    symbol.setAttribute("aria-hidden", "true");
    var shape = el("span", "sig-shape");
    shape.appendChild(el("span", "sig-symbol", SYMBOLS[state] || "?"));
    symbol.appendChild(shape);
    badge.appendChild(symbol);
    badge.appendChild(document.createTextNode(" " + (config.states[state] || state)));
    return badge;
  }

  function popupContent(marker) {
    var p = marker.feature.properties;
    var box = el("div", "sig-popup");
    var title = el("h3", "h6 mb-1");
    var link = el("a", "", p.name);
    link.href = profileUrl(p.slug);
    if (config.embed) {
      link.target = "_blank";
      link.rel = "noopener";
    }
    title.appendChild(link);
    box.appendChild(title);
    box.appendChild(el("div", "text-body-secondary", p.country_name));
    if (config.campaigns[p.campaign]) {
      box.appendChild(el("div", "small", config.campaigns[p.campaign]));
    }
    if (p.signed_on) {
      box.appendChild(el("div", "", fmt(t("Signed on %s"), [formatDate(p.signed_on)])));
    }
    box.appendChild(
      el("div", "", fmt(nt("%s commitment", "%s commitments", p.commitments), [p.commitments]))
    );
    var state = el("div", "mt-1");
    state.appendChild(stateBadge(p.reporting));
    box.appendChild(state);
    var more = el("a", "d-inline-block mt-2", t("See the city’s profile"));
    more.href = profileUrl(p.slug);
    if (config.embed) {
      more.target = "_blank";
      more.rel = "noopener";
    }
    box.appendChild(more);
    return box;
  }

  function build(features) {
    var i, f, c, marker;
    records = new Array(features.length);
    for (i = 0; i < features.length; i++) {
      f = features[i];
      c = f.geometry.coordinates;
      marker = L.marker([c[1], c[0]], {
        icon: icons[f.properties.reporting] || icons.none,
        title: f.properties.name + ", " + f.properties.country_name,
        keyboard: true,
      });
      marker.feature = f;
      marker.bindPopup(popupContent);
      records[i] = { p: f.properties, marker: marker };
    }
  }

  // --- filters --------------------------------------------------------------------------

  function currentFilters() {
    var values = {};
    if (!form) {
      return values;
    }
    FILTERS.forEach(function (name) {
      var field = form.elements[name];
      if (field && field.value) {
        values[name] = field.value;
      }
    });
    return values;
  }

  function matches(p, filters) {
    if (filters.campaign && p.campaign !== filters.campaign) return false;
    if (filters.continent && p.continent !== filters.continent) return false;
    if (filters.country && p.country !== filters.country) return false;
    if (filters.reporting && p.reporting !== filters.reporting) return false;
    if (filters.commitment && p.commitment_codes.indexOf(filters.commitment) === -1) return false;
    return true;
  }

  function fillCountries() {
    var select = form && form.elements.country;
    if (!select) {
      return;
    }
    var seen = {};
    var countries = [];
    records.forEach(function (r) {
      if (!seen[r.p.country]) {
        seen[r.p.country] = true;
        countries.push([r.p.country, r.p.country_name]);
      }
    });
    countries.sort(function (a, b) { return a[1].localeCompare(b[1], lang); });
    var wanted = select.dataset.selected || "";
    var fragment = document.createDocumentFragment();
    countries.forEach(function (c) {
      var option = el("option", "", c[1]);
      option.value = c[0];
      if (c[0] === wanted) {
        option.selected = true;
      }
      fragment.appendChild(option);
    });
    select.appendChild(fragment);
  }

  var visible = [];
  var listShown = 0;

  function apply(options) {
    var filters = currentFilters();
    var next = records.filter(function (r) { return matches(r.p, filters); });
    update(next);
    visible = next;
    if (!visible.length) {
      rendered();
    }
    if (countElement) {
      countElement.textContent = fmt(
        nt("Showing %s signatory", "Showing %s signatories", visible.length),
        [visible.length.toLocaleString(lang)]
      );
    }
    if (listElement) {
      listElement.textContent = "";
      listShown = 0;
      renderMore();
    }
    if (options && options.updateUrl) {
      var params = new URLSearchParams();
      Object.keys(filters).forEach(function (k) { params.set(k, filters[k]); });
      var query = params.toString();
      history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    }
    if (options && options.fit && visible.length) {
      fitTo(visible);
    }
  }

  // Hand markercluster only the difference when it is small; start afresh when most go.
  function update(next) {
    var shown = visible.length;
    var wanted = new Set(next);
    var leaving = visible.filter(function (r) { return !wanted.has(r); });
    if (!shown || leaving.length > shown / 2) {
      clusters.clearLayers();
      clusters.addLayers(next.map(function (r) { return r.marker; }));
      return;
    }
    var had = new Set(visible);
    var coming = next.filter(function (r) { return !had.has(r); });
    if (leaving.length) {
      clusters.removeLayers(leaving.map(function (r) { return r.marker; }));
    }
    if (coming.length) {
      clusters.addLayers(coming.map(function (r) { return r.marker; }));
    } else {
      rendered();
    }
  }

  function fitTo(list) {
    var bounds = L.latLngBounds(list.map(function (r) { return r.marker.getLatLng(); }));
    map.fitBounds(bounds.pad(0.1), { maxZoom: 6, animate: false });
  }

  function showOnMap(record) {
    clusters.zoomToShowLayer(record.marker, function () {
      record.marker.openPopup();
    });
  }

  function renderMore() {
    var end = Math.min(visible.length, listShown + LIST_PAGE);
    var fragment = document.createDocumentFragment();
    for (var i = listShown; i < end; i++) {
      fragment.appendChild(listItem(visible[i]));
    }
    listElement.appendChild(fragment);
    listShown = end;
    if (moreButton) {
      var left = visible.length - listShown;
      moreButton.hidden = left <= 0;
      moreButton.textContent = fmt(nt("Show %s more", "Show %s more", Math.min(left, LIST_PAGE)), [
        Math.min(left, LIST_PAGE),
      ]) + " " + fmt(t("(%s left)"), [left.toLocaleString(lang)]);
    }
  }

  function listItem(record) {
    var p = record.p;
    var li = el("li", "map-list-item");
    var head = el("div", "d-flex justify-content-between align-items-start gap-2");
    var link = el("a", "fw-semibold", p.name);
    link.href = profileUrl(p.slug);
    head.appendChild(link);
    var button = el("button", "btn btn-link btn-sm p-0 flex-shrink-0", t("Show on map"));
    button.type = "button";
    button.setAttribute("aria-label", fmt(t("Show %s on the map"), [p.name]));
    button.addEventListener("click", function () { showOnMap(record); });
    head.appendChild(button);
    li.appendChild(head);
    var meta = el("div", "small d-flex flex-wrap column-gap-2");
    meta.appendChild(el("span", "text-body-secondary", p.country_name));
    meta.appendChild(stateBadge(p.reporting));
    li.appendChild(meta);
    return li;
  }

  if (moreButton) {
    moreButton.addEventListener("click", function () {
      var first = listShown;
      renderMore();
      var next = listElement.children[first];
      if (next) {
        next.querySelector("a").focus();
      }
    });
  }

  if (form) {
    form.addEventListener("change", function () { apply({ updateUrl: true, fit: true }); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      apply({ updateUrl: true, fit: true });
    });
    // A native reset would go back to the options preselected from the address: clear instead.
    form.addEventListener("reset", function (event) {
      event.preventDefault();
      FILTERS.forEach(function (name) {
        if (form.elements[name]) {
          form.elements[name].value = "";
        }
      });
      apply({ updateUrl: true, fit: true });
    });
  }

  // --- go -------------------------------------------------------------------------------

  fetch(config.geojson, { headers: { Accept: "application/geo+json" }, credentials: "same-origin" })
    .then(function (response) {
      timings.responseMs = performance.now();
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    })
    .then(function (data) {
      timings.parsedMs = performance.now();
      build(data.features || []);
      timings.builtMs = performance.now();
      fillCountries();
      apply({ fit: true });
    })
    .catch(function () {
      if (countElement) {
        countElement.textContent = t("The signatories could not be loaded. Please try again later.");
      }
      mapElement.dataset.rendered = "error";
    });
})();

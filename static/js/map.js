/*
 * The signatory map (templates/campaign/map.html) and the embeddable map
 * (templates/campaign/embed_map.html).
 *
 * Reads its settings from the JSON element #map-config, fetches the GeoJSON once (the page
 * preloads it), indexes the signatories shown with Supercluster (once per filter) and draws
 * only the clusters and markers of the view, at each move: tens of thousands of signatories
 * never block the page for long. A marker is made when first drawn (one shared icon per
 * reporting state), and its popup when first opened (built each time it opens). Filters refilter in the browser, update the
 * address (shareable), the live count and the list beside the map; the list renders 100
 * rows at a time behind a "Show more" button, once the clusters are drawn.
 *
 * The GeoJSON is compact (campaign/public/map_data.py): properties n name, s slug (left
 * out when derivedSlug gives it),
 * c country code, k continent, p campaign, d signed on, x chosen commitments (a bit mask in
 * hexadecimal over the campaign's codes, listed once in the collection's "commitments"),
 * r reporting code; the country names and what each reporting code stands for come in the
 * config.
 *
 * When map tiles cannot load, the container's background colour and a light graticule
 * stand in and the markers still show.
 *
 * For everyone: every marker and cluster is a named button ("9 signatories near Lyon",
 * "Lyon, France: Reports on time") that Enter or Space opens; a popup takes the focus, closes
 * with Escape and gives the focus back; Leaflet's own labels are translated by
 * static/js/leaflet-i18n.js (loaded before this script).
 *
 * For measurement: window.cfmMap exposes the Leaflet map, the layer of markers, the index and timings
 * (firstRenderMs, lastRenderMs); the map element gets data-rendered="true" and the
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
  // "%(count)s signatories near %(place)s": named, so that a translation may reorder them.
  function named(f, values) {
    return typeof window.interpolate === "function"
      ? window.interpolate(f, values, true)
      : f.replace(/%\((\w+)\)s/g, function (all, key) { return String(values[key]); });
  }

  var LIST_PAGE = 100;
  var FILTERS = ["campaign", "continent", "country", "commitment", "reporting"];
  var SYMBOLS = { on_time: "✓", late: "!", none: "–" };
  var lang = document.documentElement.lang || "en";
  // Right to left (Arabic): the controls go to the mirrored corners; the geography does not turn.
  var rtl = document.documentElement.dir === "rtl";
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
  if (rtl) {
    map.zoomControl.setPosition("topright");
    map.attributionControl.setPosition("bottomleft");
  }
  var tiles = L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 18 });
  var tilesFailed = false;
  tiles.on("tileerror", function () {
    if (tilesFailed) {
      return;
    }
    tilesFailed = true;
    mapElement.classList.add("tiles-unavailable");
    drawGraticule();
    var notice = L.control({ position: rtl ? "bottomright" : "bottomleft" });
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

  // Clusters from Supercluster: an index of the visible signatories, built once per filter
  // in a fraction of a second, asked for the clusters of the view at each move.
  var CLUSTER_RADIUS = 50; // pixels at every zoom, as Leaflet counts them (256-pixel tiles)
  var MAX_ZOOM = 18;
  var index = null;
  var layer = L.featureGroup().addTo(map);
  var drawn = new Map(); // a record, or "c" + cluster id -> its marker on the map
  var spread = null; // the cluster at the deepest zoom spread out in a ring (one place, several pledges)
  window.cfmMap.layer = layer;

  function number(n) {
    return n.toLocaleString(lang);
  }

  function clusterIcon(n) {
    var size = n < 10 ? 34 : n < 100 ? 40 : n < 1000 ? 46 : 52;
    return L.divIcon({
      html: '<div aria-hidden="true"><span>' + number(n) + "</span></div>",
      className: "marker-cluster marker-cluster-cfm",
      iconSize: L.point(size, size),
    });
  }

  // What names a cluster: the place of its biggest part, which Supercluster's map and reduce
  // carry up from the points as it builds the index (a point is a part of one; of parts
  // the same size, the one the cluster formed around, within the radius of all the others).
  // "reducing" tells the first part Supercluster adds to a cluster: each cluster gets a fresh
  // copy of the properties of the part it formed around, the size of which starts the race.
  var reducing = null;

  function partOf(record) {
    return { near: record, n: 1, m: 1 };
  }

  function joinParts(cluster, part) {
    if (cluster !== reducing) {
      reducing = cluster;
      cluster.m = cluster.n;
    }
    cluster.n += part.n;
    if (part.n > cluster.m) {
      cluster.m = part.n;
      cluster.near = part.near;
    }
  }

  // "9 signatories near Lyon", in the page's language: the cluster's name, read out and shown.
  function clusterName(feature) {
    var n = feature.properties.point_count;
    var near = feature.properties.near;
    if (!near) {
      return fmt(nt("%s signatory", "%s signatories", n), [number(n)]);
    }
    return named(nt("%(count)s signatory near %(place)s", "%(count)s signatories near %(place)s", n), {
      count: number(n),
      place: placeName(near.p),
    });
  }

  // Markers and clusters are buttons (Leaflet gives them role="button" and a tab stop), named
  // by what they stand for (aria-label: the icon holds only a figure or a symbol). The
  // element leads back to its marker for the keyboard (see "keyboard" below).
  function nameOnAdd() {
    var element = this.getElement();
    if (element) {
      element.setAttribute("aria-label", this.accessibleName);
      element.cfmMarker = this;
    }
  }

  function clusterMarker(feature) {
    var n = feature.properties.point_count;
    var c = feature.geometry.coordinates;
    var name = clusterName(feature);
    var marker = L.marker(L.latLng(c[1], c[0]), {
      icon: clusterIcon(n),
      title: name,
      keyboard: true,
    });
    marker.clusterId = feature.properties.cluster_id;
    marker.accessibleName = name;
    marker.on("add", nameOnAdd);
    return marker;
  }

  function markerOf(record) {
    if (!record.marker) {
      var title = placeLabel(record.p) + ", " + countryName(record.p.c);
      record.marker = L.marker(record.latlng, {
        icon: icons[record.state] || icons.none,
        title: title,
        keyboard: true,
      });
      record.marker.record = record;
      record.marker.accessibleName = named(t("%(place)s: %(state)s"), {
        place: title,
        state: config.states[record.state] || record.state,
      });
      record.marker.on("add", nameOnAdd);
    }
    return record.marker;
  }

  // The markers of the view: what is new is added, what has gone is removed.
  function redraw() {
    if (!index) {
      return;
    }
    var zoom = Math.round(map.getZoom());
    var bounds = map.getBounds();
    var found = index.getClusters([bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()], zoom);
    var next = new Map();
    for (var i = 0; i < found.length; i++) {
      var feature = found[i];
      if (!feature.properties.cluster) {
        var record = feature.properties;
        var marker = markerOf(record);
        marker.setLatLng(record.latlng); // (back from a ring)
        next.set(record, marker);
      } else if (spread && spread.id === feature.properties.cluster_id && zoom === spread.zoom) {
        ring(feature, next);
      } else {
        var key = "c" + feature.properties.cluster_id;
        next.set(key, drawn.get(key) || clusterMarker(feature));
      }
    }
    drawn.forEach(function (marker, key) {
      if (next.get(key) !== marker) {
        layer.removeLayer(marker);
      }
    });
    next.forEach(function (marker, key) {
      if (drawn.get(key) !== marker) {
        layer.addLayer(marker);
      }
    });
    drawn = next;
    if (focusNear) {
      focusNearest(focusNear);
      focusNear = null;
    }
    rendered();
  }

  // A cluster opened from its focused button hands the focus on to the nearest of what it
  // opened into (a marker or a smaller cluster), so that the keyboard carries on from there.
  var focusNear = null;

  function focusNearest(latlng) {
    var from = map.latLngToContainerPoint(latlng);
    var size = map.getSize();
    var best = null;
    var bestDistance = Infinity;
    drawn.forEach(function (marker) {
      var point = map.latLngToContainerPoint(marker.getLatLng());
      var distance = point.distanceTo(from);
      var inView = point.x >= 0 && point.y >= 0 && point.x <= size.x && point.y <= size.y;
      if (inView && distance < bestDistance && marker.getElement()) {
        best = marker;
        bestDistance = distance;
      }
    });
    if (best) {
      best.getElement().focus({ preventScroll: true });
    } else {
      mapElement.focus({ preventScroll: true });
    }
  }

  // Pledges at one place (a city in two campaigns) never part by zooming: at the deepest
  // zoom their cluster opens into a ring of their markers around it.
  function ring(feature, next) {
    var leaves = index.getLeaves(feature.properties.cluster_id, Infinity);
    var c = feature.geometry.coordinates;
    var centre = map.latLngToLayerPoint(L.latLng(c[1], c[0]));
    var radius = 24 + 4 * leaves.length;
    leaves.forEach(function (leaf, i) {
      var angle = (2 * Math.PI * i) / leaves.length - Math.PI / 2;
      var marker = markerOf(leaf.properties);
      marker.setLatLng(map.layerPointToLatLng(centre.add([radius * Math.cos(angle), radius * Math.sin(angle)])));
      next.set(leaf.properties, marker);
    });
  }

  // A cluster zooms in to where it parts, or spreads out when it never does.
  function openCluster(marker) {
    var element = marker.getElement();
    if (element && document.activeElement === element) {
      focusNear = marker.getLatLng();
    }
    var zoom = index.getClusterExpansionZoom(marker.clusterId);
    if (zoom <= MAX_ZOOM) {
      map.setView(marker.getLatLng(), zoom);
      return;
    }
    if (map.getZoom() < MAX_ZOOM) {
      map.setView(marker.getLatLng(), MAX_ZOOM, { animate: false });
    }
    spread = { id: marker.clusterId, zoom: Math.round(map.getZoom()) };
    redraw();
  }

  map.on("moveend", redraw);
  map.on("zoomstart", function () {
    spread = null;
  });

  // A marker gets its popup the first time it is clicked; from then on Leaflet's own click
  // handler opens and closes it, as for a popup bound from the start. (Enter and Space go
  // through activate(), below.)
  function firstOpen(e) {
    var marker = e.layer;
    if (!marker) {
      return;
    }
    if (marker.clusterId !== undefined) {
      L.DomEvent.stop(e);
      openCluster(marker);
      return;
    }
    if (marker.getPopup() || !marker.record) {
      return;
    }
    L.DomEvent.stop(e);
    popupFor(marker).openPopup();
  }

  layer.on("click", firstOpen);

  function popupFor(marker) {
    if (!marker.getPopup()) {
      marker.bindPopup(popupContent);
      marker.getPopup().cfmMarker = marker;
    }
    return marker;
  }

  // --- keyboard -------------------------------------------------------------------------
  //
  // Enter or Space on a marker or a cluster opens it, as a button (and nothing else: neither
  // Leaflet's keypress toggle nor the page's scroll). A popup takes the focus when it opens,
  // names itself after its place (a non-modal dialog), closes with Escape (from anywhere in
  // the map) and gives the focus back to what opened it: its marker, or the list's
  // "Show on map" button.

  function activate(marker) {
    if (marker.clusterId !== undefined) {
      openCluster(marker);
    } else if (marker.record) {
      popupFor(marker);
      if (marker.isPopupOpen()) {
        marker.closePopup();
      } else {
        marker.openPopup();
      }
    }
  }

  L.DomEvent.on(mapElement, "keydown", function (event) {
    var key = event.key;
    if ((key === "Enter" || key === " " || key === "Spacebar") && event.target.cfmMarker) {
      L.DomEvent.stop(event);
      activate(event.target.cfmMarker);
    } else if (key === "Escape" && shownPopup) {
      L.DomEvent.stop(event);
      map.closePopup();
    }
  });

  var shownPopup = null;
  var returnFocus = null;

  map.on("popupopen", function (e) {
    var popup = e.popup;
    var container = popup.getElement();
    var active = document.activeElement;
    shownPopup = popup;
    returnFocus = active && active !== document.body && !container.contains(active) ? active : null;
    container.setAttribute("role", "dialog");
    if (popup.cfmMarker && popup.cfmMarker.record) {
      container.setAttribute("aria-label", placeLabel(popup.cfmMarker.record.p));
    }
    var first = container.querySelector(".leaflet-popup-content a[href]") || container.querySelector("a[href]");
    if (first) {
      first.focus({ preventScroll: true });
    }
  });

  map.on("popupclose", function (e) {
    var popup = e.popup;
    var container = popup.getElement();
    var active = document.activeElement;
    var hadFocus = !active || active === document.body || (container && container.contains(active));
    if (popup === shownPopup) {
      shownPopup = null;
    }
    if (!hadFocus) {
      return;
    }
    var marker = popup.cfmMarker;
    var target = returnFocus && returnFocus.isConnected ? returnFocus : marker && marker.getElement();
    returnFocus = null;
    (target && target.isConnected ? target : mapElement).focus({ preventScroll: true });
  });

  function rendered() {
    var ms = performance.now();
    if (timings.firstRenderMs === null) {
      timings.firstRenderMs = ms;
    }
    timings.lastRenderMs = ms;
    timings.renders += 1;
    if (listPending) {
      listPending = false;
      resetList();
    }
    mapElement.dataset.rendered = "true";
    document.dispatchEvent(new CustomEvent("cfm:map-rendered", { detail: { ms: ms } }));
  }

  // --- data -----------------------------------------------------------------------------

  var records = [];
  var commitmentCodes = {}; // campaign slug -> its commitment codes, in order (the "x" bits)
  var countries = config.countries || {};
  var reportingCodes = config.reportingCodes || {};

  function countryName(code) {
    return countries[code] || code;
  }

  // The place's name in the page's language, and the local one beside it when it differs
  // (config.names, by slug: "Lisbonne", "Lisboa"); otherwise the feature's own name.
  var placeNames = config.names || {};

  function placeName(p) {
    var names = placeNames[p.s || derivedSlug(p)];
    return names ? names[0] : p.n;
  }

  function placeLabel(p) {
    var names = placeNames[p.s || derivedSlug(p)];
    return names && names[1] ? names[0] + " (" + names[1] + ")" : placeName(p);
  }

  // A feature leaves its slug out when it is this (campaign/public/map_data.py,
  // derived_slug): an ASCII name lower-cased, runs of other characters made one hyphen,
  // then the country.
  function derivedSlug(p) {
    if (!/^[\x00-\x7f]*$/.test(p.n)) return "";
    var base = p.n.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
    return base ? base + "-" + p.c.toLowerCase() : "";
  }

  function profileUrl(p) {
    return config.profileUrl.replace("__slug__", encodeURIComponent(p.s || derivedSlug(p)));
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

  // An embed's links open the site in a new tab, and say so (as templates/includes/new_tab.html).
  function newTab(link) {
    link.target = "_blank";
    link.rel = "noopener";
    link.appendChild(el("span", "visually-hidden", " " + t("(opens in a new tab)")));
    var icon = el("span", "new-tab-icon", " ↗");
    icon.setAttribute("aria-hidden", "true");
    link.appendChild(icon);
  }

  function popupContent(marker) {
    var record = marker.record;
    var p = record.p;
    var box = el("div", "sig-popup");
    var title = el("h3", "h6 mb-1");
    var link = el("a", "", placeLabel(p));
    link.dir = "auto";
    link.href = profileUrl(p);
    if (config.embed) {
      newTab(link);
    }
    title.appendChild(link);
    box.appendChild(title);
    box.appendChild(el("div", "text-body-secondary", countryName(p.c)));
    if (config.campaigns[p.p]) {
      box.appendChild(el("div", "small", config.campaigns[p.p]));
    }
    if (p.d) {
      box.appendChild(el("div", "", fmt(t("Signed on %s"), [formatDate(p.d)])));
    }
    var chosen = commitmentCount(p);
    box.appendChild(el("div", "", fmt(nt("%s commitment", "%s commitments", chosen), [chosen])));
    var state = el("div", "mt-1");
    state.appendChild(stateBadge(record.state));
    box.appendChild(state);
    var more = el("a", "d-inline-block mt-2", t("See the city’s profile"));
    more.href = profileUrl(p);
    if (config.embed) {
      newTab(more);
    }
    box.appendChild(more);
    return box;
  }

  // The "x" property: bit i, from the right of the hexadecimal digits, is the i-th code of
  // the campaign's list.
  var BITS_IN_DIGIT = [0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4];

  function hasCommitment(p, code) {
    var i = (commitmentCodes[p.p] || []).indexOf(code);
    if (i < 0 || !p.x) return false;
    var digit = parseInt(p.x.charAt(p.x.length - 1 - (i >> 2)), 16) || 0;
    return ((digit >> (i & 3)) & 1) === 1;
  }

  function commitmentCount(p) {
    var n = 0;
    var x = p.x || "";
    for (var i = 0; i < x.length; i++) {
      n += BITS_IN_DIGIT[parseInt(x.charAt(i), 16)] || 0;
    }
    return n;
  }

  // One record per feature: its properties, its reporting state and place; its marker is
  // made the first time it is drawn (markerOf), and leads back to it for the popup.
  function build(features) {
    var i, f, p, c;
    records = new Array(features.length);
    for (i = 0; i < features.length; i++) {
      f = features[i];
      p = f.properties;
      c = f.geometry.coordinates;
      records[i] = {
        p: p,
        state: reportingCodes[p.r] || "none",
        latlng: L.latLng(c[1], c[0]),
        marker: null,
      };
      // What the index holds: the record as the point's properties, so that a point it
      // returns (a new object) leads back to its record.
      records[i].point = { type: "Feature", geometry: f.geometry, properties: records[i] };
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

  function matches(r, filters) {
    var p = r.p;
    if (filters.campaign && p.p !== filters.campaign) return false;
    if (filters.continent && p.k !== filters.continent) return false;
    if (filters.country && p.c !== filters.country) return false;
    if (filters.reporting && r.state !== filters.reporting) return false;
    if (filters.commitment && !hasCommitment(p, filters.commitment)) return false;
    return true;
  }

  function fillCountries() {
    var select = form && form.elements.country;
    if (!select) {
      return;
    }
    var seen = {};
    var shown = [];
    for (var i = 0; i < records.length; i++) {
      var code = records[i].p.c;
      if (!seen[code]) {
        seen[code] = true;
        shown.push([code, countryName(code)]);
      }
    }
    shown.sort(function (a, b) { return a[1].localeCompare(b[1], lang); });
    var wanted = select.dataset.selected || "";
    var fragment = document.createDocumentFragment();
    shown.forEach(function (c) {
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
  var listPending = false;

  function apply(options) {
    var filters = currentFilters();
    var next = records.filter(function (r) { return matches(r, filters); });
    visible = next;
    // The list follows once the clusters are drawn (rendered()): the map comes first.
    listPending = !!listElement;
    index = null; // (no drawing from the last index while the view moves to the new one)
    if (options && options.fit && next.length) {
      fitTo(next);
    }
    update(next);
    if (countElement) {
      countElement.textContent = fmt(
        nt("Showing %s signatory", "Showing %s signatories", visible.length),
        [visible.length.toLocaleString(lang)]
      );
    }
    if (options && options.updateUrl) {
      var params = new URLSearchParams();
      Object.keys(filters).forEach(function (k) { params.set(k, filters[k]); });
      var query = params.toString();
      history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    }
  }

  // A new index for the signatories shown, then the view drawn from it afresh.
  function update(next) {
    index = new Supercluster({
      radius: CLUSTER_RADIUS,
      extent: 256,
      minZoom: 0,
      maxZoom: MAX_ZOOM,
      map: partOf,
      reduce: joinParts,
    });
    reducing = null;
    index.load(next.map(function (r) { return r.point; }));
    window.cfmMap.index = index;
    spread = null;
    layer.clearLayers();
    drawn = new Map();
    redraw();
  }

  function fitTo(list) {
    var south = 90, west = 180, north = -90, east = -180, ll, i;
    for (i = 0; i < list.length; i++) {
      ll = list[i].latlng;
      if (ll.lat < south) south = ll.lat;
      if (ll.lat > north) north = ll.lat;
      if (ll.lng < west) west = ll.lng;
      if (ll.lng > east) east = ll.lng;
    }
    map.fitBounds(L.latLngBounds([south, west], [north, east]).pad(0.1), { maxZoom: 6, animate: false });
  }

  function resetList() {
    if (!listElement) {
      return;
    }
    listElement.textContent = "";
    listShown = 0;
    renderMore();
  }

  // To the first zoom (from this one) at which the signatory stands alone, or to the
  // deepest with its place's ring open, then its popup.
  function showOnMap(record) {
    var c = record.point.geometry.coordinates;
    var around = [c[0] - 1e-6, c[1] - 1e-6, c[0] + 1e-6, c[1] + 1e-6];
    var zoom = Math.round(map.getZoom());
    function alone(z) {
      return index.getClusters(around, z).some(function (f) { return f.properties === record; });
    }
    while (zoom < MAX_ZOOM && !alone(zoom)) {
      zoom++;
    }
    map.setView(record.latlng, zoom, { animate: false });
    if (!drawn.has(record)) {
      var cluster = index.getClusters(around, zoom).filter(function (f) { return f.properties.cluster; })[0];
      if (cluster) {
        spread = { id: cluster.properties.cluster_id, zoom: zoom };
        redraw();
      }
    }
    popupFor(markerOf(record)).openPopup();
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
    var link = el("a", "fw-semibold", placeLabel(p));
    link.dir = "auto";
    link.href = profileUrl(p);
    head.appendChild(link);
    // Named by its visible words, then (for a list of buttons read out of context) the place.
    var button = el("button", "btn btn-link btn-sm p-0 flex-shrink-0", t("Show on map"));
    button.type = "button";
    button.appendChild(document.createTextNode(" "));
    button.appendChild(el("bdi", "visually-hidden", placeName(p)));
    button.addEventListener("click", function () { showOnMap(record); });
    head.appendChild(button);
    li.appendChild(head);
    var meta = el("div", "small d-flex flex-wrap column-gap-2");
    meta.appendChild(el("span", "text-body-secondary", countryName(p.c)));
    meta.appendChild(stateBadge(record.state));
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

  // The same request as the page's <link rel="preload" as="fetch" crossorigin> (no other
  // header), so that the preloaded response is the one used.
  fetch(config.geojson, { credentials: "same-origin" })
    .then(function (response) {
      timings.responseMs = performance.now();
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    })
    .then(function (data) {
      timings.parsedMs = performance.now();
      commitmentCodes = data.commitments || {};
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

/*
 * Municipality autocomplete: the WAI-ARIA combobox pattern over GET /api/v1/municipalities/?search=
 *
 * Markup comes from accounts/widgets.py (MunicipalityAutocompleteWidget):
 *   [data-municipality-autocomplete]      wrapper; data-url, data-min-length (and
 *                                         data-min-length-ideographic, for a text that starts
 *                                         in Han, kana or Hangul, as accounts/names.py) and messages
 *     input[type=hidden][data-role=value] the chosen municipality's id, submitted with the form
 *     input[role=combobox][data-role=input] what the user types
 *     ul[role=listbox]                      the suggestions
 *     [data-role=status]                    a polite live region announcing the number of results
 *
 * Keys: Down / Up move through the suggestions (and open them), Enter chooses the active
 * one, Escape closes the list (a second Escape clears the text), Tab leaves as usual.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 200;
  var instanceCount = 0;
  // Han, kana and Hangul, where one character is a syllable (accounts/names.py, _IDEOGRAPHIC_RANGES).
  var IDEOGRAPHIC = /^[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ud840-\ud8bf]/;

  function formatPopulation(n) {
    if (n === null || n === undefined) return "";
    try {
      return new Intl.NumberFormat(document.documentElement.lang || undefined).format(n);
    } catch (e) {
      return String(n);
    }
  }

  // The API names countries in English (stable data); the page names them in its own
  // language, as the browser's CLDR data does ("LB": "Liban", "لبنان").
  var regionNames = null;
  try {
    regionNames = new Intl.DisplayNames([document.documentElement.lang || "en"], { type: "region" });
  } catch (e) {
    regionNames = null;
  }

  function countryName(item) {
    if (regionNames && item.country) {
      try {
        return regionNames.of(item.country) || item.country_name;
      } catch (e) {
        return item.country_name;
      }
    }
    return item.country_name;
  }

  function Autocomplete(root) {
    this.root = root;
    this.url = root.getAttribute("data-url");
    this.minLength = parseInt(root.getAttribute("data-min-length") || "2", 10);
    this.minLengthIdeographic = parseInt(root.getAttribute("data-min-length-ideographic") || "1", 10);
    this.valueInput = root.querySelector('[data-role="value"]');
    this.input = root.querySelector('[data-role="input"]');
    this.listbox = root.querySelector('[role="listbox"]');
    this.status = root.querySelector('[data-role="status"]');
    this.items = [];
    this.activeIndex = -1;
    this.timer = null;
    this.controller = null;
    this.chosenText = this.input.value;
    this.prefix = this.listbox.id || "municipality-autocomplete-" + ++instanceCount;
    this.bind();
  }

  Autocomplete.prototype.bind = function () {
    var self = this;
    this.input.addEventListener("input", function () {
      // Typing again means the previous choice no longer holds.
      if (self.input.value !== self.chosenText) {
        self.valueInput.value = "";
        self.chosenText = null;
      }
      self.schedule();
    });
    this.input.addEventListener("keydown", function (event) {
      self.onKeyDown(event);
    });
    this.input.addEventListener("blur", function () {
      // Let a click on an option land first.
      window.setTimeout(function () {
        self.close();
      }, 150);
    });
    this.listbox.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep focus in the input
    });
    this.listbox.addEventListener("click", function (event) {
      var option = event.target.closest('[role="option"]');
      if (option) self.choose(parseInt(option.getAttribute("data-index"), 10));
    });
  };

  Autocomplete.prototype.schedule = function () {
    var self = this;
    window.clearTimeout(this.timer);
    var text = this.input.value.trim();
    if (text.length < this.minLengthFor(text)) {
      this.abort();
      this.render([]);
      this.close();
      return;
    }
    this.timer = window.setTimeout(function () {
      self.fetch(text);
    }, DEBOUNCE_MS);
  };

  Autocomplete.prototype.minLengthFor = function (text) {
    return IDEOGRAPHIC.test(text) ? this.minLengthIdeographic : this.minLength;
  };

  Autocomplete.prototype.abort = function () {
    if (this.controller) {
      this.controller.abort();
      this.controller = null;
    }
  };

  Autocomplete.prototype.fetch = function (text) {
    var self = this;
    this.abort();
    var controller = typeof AbortController !== "undefined" ? new AbortController() : null;
    this.controller = controller;
    var url = this.url + (this.url.indexOf("?") === -1 ? "?" : "&") + "search=" + encodeURIComponent(text);
    fetch(url, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        if (self.input.value.trim() !== text) return; // a newer search is on its way
        var results = Array.isArray(data) ? data : data.results || [];
        self.render(results);
        self.open();
        self.notListed(results.length ? "" : text);
        self.announce(
          results.length
            ? self.root.getAttribute("data-results").replace("%(count)s", results.length)
            : self.root.getAttribute("data-no-results")
        );
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") return;
        self.render([]);
        self.announce(self.root.getAttribute("data-error"));
      });
  };

  Autocomplete.prototype.render = function (results) {
    this.items = results;
    this.activeIndex = -1;
    this.input.removeAttribute("aria-activedescendant");
    while (this.listbox.firstChild) this.listbox.removeChild(this.listbox.firstChild);
    if (!results.length && this.input.value.trim().length >= this.minLengthFor(this.input.value.trim())) {
      var empty = document.createElement("li");
      empty.className = "list-group-item text-body-secondary";
      empty.setAttribute("aria-disabled", "true");
      empty.textContent = this.root.getAttribute("data-no-results");
      this.listbox.appendChild(empty);
      return;
    }
    for (var i = 0; i < results.length; i++) {
      var item = results[i];
      var li = document.createElement("li");
      li.id = this.prefix + "-option-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.setAttribute("data-index", String(i));
      li.className = "list-group-item list-group-item-action";
      li.style.cursor = "pointer";
      var name = document.createElement("span");
      name.className = "fw-semibold";
      name.dir = "auto";
      name.textContent = item.name;
      var details = document.createElement("small");
      details.className = "text-body-secondary ms-2";
      var parts = [item.region_name, countryName(item)].filter(Boolean);
      var population = formatPopulation(item.population);
      details.textContent = parts.join(", ") + (population ? " \u00b7 " + population : "");
      li.appendChild(name);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(details);
      this.listbox.appendChild(li);
    }
  };

  // "My municipality is not listed" (templates/accounts/membership_request.html): when a
  // search finds nothing, say so beside the field and carry the typed name to the link.
  Autocomplete.prototype.notListed = function (text) {
    var box = document.querySelector('[data-not-listed-for="' + this.valueInput.id + '"]');
    if (!box) return;
    var found = box.querySelector('[data-role="not-listed-found"]');
    var link = box.querySelector('[data-role="not-listed-link"]');
    if (found) found.hidden = !text;
    if (link) link.href = box.getAttribute("data-url") + (text ? "?name=" + encodeURIComponent(text) : "");
  };

  Autocomplete.prototype.open = function () {
    if (!this.listbox.firstChild) return this.close();
    this.listbox.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  Autocomplete.prototype.close = function () {
    this.listbox.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.activeIndex = -1;
  };

  Autocomplete.prototype.isOpen = function () {
    return !this.listbox.hidden;
  };

  Autocomplete.prototype.setActive = function (index) {
    var options = this.listbox.querySelectorAll('[role="option"]');
    if (!options.length) return;
    if (index < 0) index = options.length - 1;
    if (index >= options.length) index = 0;
    for (var i = 0; i < options.length; i++) {
      var on = i === index;
      options[i].setAttribute("aria-selected", on ? "true" : "false");
      options[i].classList.toggle("active", on);
    }
    this.activeIndex = index;
    this.input.setAttribute("aria-activedescendant", options[index].id);
    options[index].scrollIntoView({ block: "nearest" });
  };

  Autocomplete.prototype.choose = function (index) {
    var item = this.items[index];
    if (!item) return;
    var country = countryName(item);
    var text = item.name + (country ? ", " + country : "");
    this.valueInput.value = String(item.id);
    this.input.value = text;
    this.chosenText = text;
    this.close();
    this.announce(text);
    this.valueInput.dispatchEvent(new Event("change", { bubbles: true }));
  };

  Autocomplete.prototype.announce = function (message) {
    if (this.status) this.status.textContent = message || "";
  };

  Autocomplete.prototype.onKeyDown = function (event) {
    switch (event.key) {
      case "ArrowDown":
      case "Down":
        event.preventDefault();
        if (!this.isOpen()) {
          if (this.items.length) this.open();
          else this.schedule();
          if (this.items.length) this.setActive(0);
        } else {
          this.setActive(this.activeIndex + 1);
        }
        break;
      case "ArrowUp":
      case "Up":
        event.preventDefault();
        if (!this.isOpen() && this.items.length) this.open();
        this.setActive(this.activeIndex - 1);
        break;
      case "Enter":
        if (this.isOpen()) {
          // Choosing must not submit the form.
          event.preventDefault();
          if (this.activeIndex >= 0) this.choose(this.activeIndex);
          else if (this.items.length === 1) this.choose(0);
        }
        break;
      case "Escape":
      case "Esc":
        if (this.isOpen()) {
          event.preventDefault();
          this.close();
        } else if (this.input.value) {
          event.preventDefault();
          this.input.value = "";
          this.valueInput.value = "";
          this.chosenText = null;
          this.render([]);
        }
        break;
      default:
        break;
    }
  };

  function init(scope) {
    var roots = (scope || document).querySelectorAll("[data-municipality-autocomplete]");
    for (var i = 0; i < roots.length; i++) {
      if (!roots[i].municipalityAutocomplete) roots[i].municipalityAutocomplete = new Autocomplete(roots[i]);
    }
  }

  window.MunicipalityAutocomplete = { init: init };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      init(document);
    });
  } else {
    init(document);
  }
})();

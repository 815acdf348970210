/*
 * Drafts of the long forms, kept in this browser (localStorage) while they are written.
 *
 * A form opts in with data-draft-key="<account>:<form>" (the {% draft_attrs %} tag of
 * campaign/templatetags/long_forms.py). Its text fields are saved a moment after each
 * change. When the form is opened again and shows something else than the draft, the page
 * offers to restore it ("Restore" / "Discard"). The draft is not cleared on submit, since
 * the submit may fail: the server names the drafts a successful save made obsolete in the
 * cookie "drafts_saved" (campaign/kept_forms.py), and they are cleared on the next page
 * that loads this script. When the server put back a text it kept across a login (the
 * form holds [data-kept-form]), that text becomes the draft at once.
 *
 * Strings come from Django's JavaScript catalog (jsi18n/), loaded before this script.
 */
(function () {
  "use strict";

  var PREFIX = "cfm-draft:";
  var SAVED_COOKIE = "drafts_saved";
  var MAX_AGE_MS = 30 * 24 * 3600 * 1000;
  var SAVE_DELAY_MS = 400;

  var t = typeof window.gettext === "function" ? window.gettext : function (s) { return s; };
  var fmt = typeof window.interpolate === "function"
    ? window.interpolate
    : function (f, args, named) {
      return f.replace(/%\((\w+)\)s/g, function (m, key) { return String(args[key]); });
    };

  var store = (function () {
    try {
      var probe = PREFIX + "probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null; // private mode or storage refused: the form works as before
    }
  })();
  if (!store) {
    return;
  }

  function read(key) {
    try {
      var draft = JSON.parse(store.getItem(PREFIX + key) || "null");
      if (!draft || typeof draft.values !== "object" || Date.now() - draft.savedAt > MAX_AGE_MS) {
        store.removeItem(PREFIX + key);
        return null;
      }
      return draft;
    } catch (e) {
      store.removeItem(PREFIX + key);
      return null;
    }
  }

  function write(key, values) {
    try {
      store.setItem(PREFIX + key, JSON.stringify({ savedAt: Date.now(), values: values }));
    } catch (e) {
      // Storage full: nothing more to do; the server still keeps a post across a login.
    }
  }

  function forget(key) {
    store.removeItem(PREFIX + key);
  }

  // Drafts saved by the server since the last page: forget them, then forget the list.
  function clearSavedDrafts() {
    var match = document.cookie.match(new RegExp("(?:^|; )" + SAVED_COOKIE + "=([^;]*)"));
    if (!match) {
      return;
    }
    var value = match[1].replace(/^"|"$/g, "");
    value.split("|").forEach(function (key) {
      if (key) { forget(key); }
    });
    document.cookie = SAVED_COOKIE + "=; Max-Age=0; Path=/; SameSite=Lax";
  }

  // The fields a person writes in: not hidden, files, passwords, buttons or locked ones.
  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.name.charAt(0) === "_" || el.name === "csrfmiddlewaretoken") {
        return false;
      }
      var tag = el.tagName.toLowerCase();
      if (tag === "textarea" || tag === "select") {
        return true;
      }
      return tag === "input" && ["hidden", "file", "password", "submit", "button", "reset", "image"].indexOf(el.type) === -1;
    });
  }

  function valuesOf(form) {
    var values = {};
    fieldsOf(form).forEach(function (el) {
      if (el.type === "checkbox") {
        values[el.name + "\u0000" + el.value] = el.checked;
      } else if (el.type === "radio") {
        if (el.checked) { values[el.name] = el.value; }
      } else if (el.tagName.toLowerCase() === "select" && el.multiple) {
        values[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; })
          .map(function (o) { return o.value; });
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function applyValues(form, values) {
    fieldsOf(form).forEach(function (el) {
      var before;
      if (el.type === "checkbox") {
        var key = el.name + "\u0000" + el.value;
        if (!(key in values)) { return; }
        before = el.checked;
        el.checked = Boolean(values[key]);
        if (before !== el.checked) { el.dispatchEvent(new Event("change", { bubbles: true })); }
        return;
      }
      if (!(el.name in values)) { return; }
      if (el.type === "radio") {
        el.checked = el.value === values[el.name];
      } else if (el.tagName.toLowerCase() === "select" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = values[el.name].indexOf(o.value) !== -1; });
      } else {
        el.value = values[el.name];
      }
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  // Does the draft hold anything the form does not show now?
  function differs(draft, current) {
    return Object.keys(draft).some(function (key) {
      if (!(key in current)) { return false; }
      return JSON.stringify(draft[key]) !== JSON.stringify(current[key]);
    });
  }

  function hasWriting(values) {
    return Object.keys(values).some(function (key) {
      return typeof values[key] === "string" && values[key].trim() !== "";
    });
  }

  function whenLabel(savedAt) {
    var lang = document.documentElement.lang || undefined;
    try {
      return new Date(savedAt).toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
    } catch (e) {
      return new Date(savedAt).toLocaleString();
    }
  }

  function offer(form, key, draft, done) {
    var box = document.createElement("div");
    box.className = "alert alert-info d-flex flex-wrap align-items-center gap-2";
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", t("Unsaved draft"));
    box.dataset.draftOffer = "";
    var text = document.createElement("p");
    text.className = "mb-0 me-auto";
    text.textContent = fmt(t("Restore your unsaved draft from %(time)s?"), { time: whenLabel(draft.savedAt) }, true);
    var restore = document.createElement("button");
    restore.type = "button";
    restore.className = "btn btn-primary btn-sm";
    restore.textContent = t("Restore");
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "btn btn-outline-secondary btn-sm";
    discard.textContent = t("Discard");
    box.appendChild(text);
    box.appendChild(restore);
    box.appendChild(discard);
    form.insertBefore(box, form.firstChild);

    restore.addEventListener("click", function () {
      applyValues(form, draft.values);
      write(key, valuesOf(form));
      box.remove();
      done();
      var first = fieldsOf(form).filter(function (el) { return el.tagName.toLowerCase() === "textarea"; })[0];
      if (first) { first.focus(); }
    });
    discard.addEventListener("click", function () {
      forget(key);
      box.remove();
      done();
    });
  }

  function watch(form) {
    var key = form.dataset.draftKey;
    var draft = read(key);
    var current = valuesOf(form);
    // While the offer waits for an answer, the older draft is not overwritten.
    var offering = false;

    if (form.querySelector("[data-kept-form]")) {
      // The server put back what could not be saved: that is the draft now.
      write(key, current);
    } else if (draft && differs(draft.values, current) && hasWriting(draft.values)) {
      offering = true;
      offer(form, key, draft, function () { offering = false; });
    }
    // A draft the form already shows stays: the form may be shown again after a failed save,
    // and only the server's word (clearSavedDrafts) says it was saved.

    var timer = null;
    var save = function () {
      if (offering) { return; }
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { timer = null; write(key, valuesOf(form)); }, SAVE_DELAY_MS);
    };
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    // Leaving the page before the delay: save now.
    window.addEventListener("pagehide", function () {
      if (timer !== null) {
        window.clearTimeout(timer);
        write(key, valuesOf(form));
      }
    });
  }

  clearSavedDrafts();
  document.querySelectorAll("form[data-draft-key]").forEach(watch);
})();

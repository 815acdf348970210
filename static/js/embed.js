/*
 * The embed page (templates/campaign/embed_index.html): keeps each snippet and its live
 * preview in step with the chosen campaign, and copies a snippet to the clipboard.
 */
(function () {
  "use strict";

  var t = typeof window.gettext === "function" ? window.gettext : function (s) { return s; };
  var select = document.getElementById("embed-campaign");
  var status = document.getElementById("embed-status");
  var targets = [
    { snippet: document.getElementById("snippet-counter"), preview: document.getElementById("preview-counter") },
    { snippet: document.getElementById("snippet-map"), preview: document.getElementById("preview-map") },
  ];

  function escapeAttribute(value) {
    return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }

  function update() {
    var campaign = select ? select.value : "";
    targets.forEach(function (target) {
      if (!target.snippet) {
        return;
      }
      var url = target.snippet.dataset.baseUrl + (campaign ? "?campaign=" + encodeURIComponent(campaign) : "");
      target.snippet.value =
        '<iframe src="' + escapeAttribute(url) + '" title="' + escapeAttribute(target.snippet.dataset.title) +
        '" width="100%" height="' + target.snippet.dataset.height +
        '" style="border:0" loading="lazy"></iframe>';
      if (target.preview && target.preview.getAttribute("src") !== url) {
        target.preview.setAttribute("src", url);
      }
    });
  }

  function announce(message) {
    if (status) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = message; }, 50);
    }
  }

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.getElementById(button.dataset.copy);
      field.focus();
      field.select();
      var done = function () { announce(t("Code copied to the clipboard.")); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          announce(t("Press Ctrl+C (or Cmd+C) to copy the selected code."));
        });
      } else {
        var ok = false;
        try {
          ok = document.execCommand("copy");
        } catch (e) {
          ok = false;
        }
        announce(ok ? t("Code copied to the clipboard.") : t("Press Ctrl+C (or Cmd+C) to copy the selected code."));
      }
    });
  });

  if (select) {
    select.addEventListener("change", update);
  }
  update();
})();

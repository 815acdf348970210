// An announcement being sent: its figures and bar follow the delivery every 3 seconds,
// and the page reloads once everything is handled (without script, a meta refresh does it).
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box || !window.fetch) { return; }
  var bar = box.querySelector('[data-field="bar"]');
  function update() {
    fetch(box.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        ["total", "queued", "retrying", "sent", "failed", "suppressed"].forEach(function (key) {
          var el = box.querySelector('[data-field="' + key + '"]');
          if (el) { el.textContent = data[key]; }
        });
        bar.style.width = data.percent + "%";
        bar.textContent = data.percent + "%";
        bar.parentNode.setAttribute("aria-valuenow", data.percent);
        if (data.finished) { window.location.reload(); } else { window.setTimeout(update, 3000); }
      })
      .catch(function () { window.setTimeout(update, 10000); });
  }
  window.setTimeout(update, 3000);
})();

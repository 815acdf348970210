// A report spreadsheet being checked: the bar and the count of rows follow the check every
// 2 seconds, and the page reloads once it is done to show the errors or the success
// (without script, a meta refresh does it).
(function () {
  "use strict";
  var box = document.getElementById("upload-progress");
  if (!box || !window.fetch || box.dataset.finished === "true") { return; }
  var bar = box.querySelector("progress");
  function show(key, value) {
    var el = box.querySelector('[data-field="' + key + '"]');
    if (el) { el.textContent = value; }
  }
  function update() {
    fetch(box.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { window.setTimeout(update, 10000); return; }
        bar.value = data.percent;
        bar.textContent = data.percent + "%";
        show("rows_checked", data.rows_checked);
        show("rows_total", data.rows_total);
        show("status_label", data.status_label);
        if (data.finished) { window.location.reload(); } else { window.setTimeout(update, 2000); }
      })
      .catch(function () { window.setTimeout(update, 10000); });
  }
  window.setTimeout(update, 1000);
})();

// The city profile's "Copy link" button: shown only where the Clipboard API exists.
// Its messages come translated in the button's data attributes (no inline script: CSP).
(function () {
  "use strict";
  var button = document.getElementById("copy-link");
  if (!button || !navigator.clipboard) { return; }
  var status = document.getElementById("copy-link-status");
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(button.dataset.url).then(function () {
      status.textContent = button.dataset.copied;
    }, function () {
      status.textContent = button.dataset.failed;
    });
  });
})();

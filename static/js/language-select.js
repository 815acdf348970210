// The language form of the pages without a language prefix: choosing a language sends it
// (an inline onchange would need 'unsafe-inline' scripts: CSP). Without script, its button does.
(function () {
  "use strict";
  var select = document.getElementById("language-select");
  if (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
})();

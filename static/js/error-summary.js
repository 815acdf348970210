// The error summary of a form (templates/includes/error_summary.html), as GOV.UK does it:
// it takes focus when the page loads, so that it is read out first and the next Tab goes
// to its links; a link of it focuses its field, with the field's label or legend in view,
// and opens a closed <details> around the field. A file, not inline script: CSP.
(function () {
  "use strict";
  if (window.errorSummaryReady) { return; } // one run, however many summaries include it
  window.errorSummaryReady = true;

  var summaries = document.querySelectorAll("[data-error-summary]");
  if (!summaries.length) { return; }

  function labelFor(field) {
    var fieldset = field.closest("fieldset");
    var legend = fieldset && fieldset.querySelector("legend");
    var inGroup = field.type === "radio" || (field.type === "checkbox" && fieldset &&
      fieldset.querySelectorAll("input[type=checkbox][name='" + field.name + "']").length > 1);
    if (legend && inGroup) { return legend; }
    return (field.id && document.querySelector("label[for='" + CSS.escape(field.id) + "']")) || field;
  }

  function focusField(id) {
    var field = document.getElementById(id);
    if (!field) { return false; }
    for (var node = field.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") { node.open = true; }
      if (node.classList && node.classList.contains("d-none")) { node.classList.remove("d-none"); }
    }
    labelFor(field).scrollIntoView();
    field.focus({ preventScroll: true });
    return document.activeElement === field;
  }

  summaries.forEach(function (summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (link && focusField(decodeURIComponent(link.hash.slice(1)))) { event.preventDefault(); }
    });
  });
  summaries[0].focus();
})();

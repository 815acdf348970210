// Targets of unticked optional commitments are hidden until the box is ticked (the form works without this).
(function () {
  "use strict";
  document.querySelectorAll(".commitment-target").forEach(function (row) {
    var box = document.getElementById(row.dataset.for);
    if (!box || box.disabled || row.querySelector(".is-invalid")) { return; }
    var sync = function () { row.classList.toggle("d-none", !box.checked && !row.querySelector("textarea").value); };
    box.addEventListener("change", sync);
    sync();
  });
})();

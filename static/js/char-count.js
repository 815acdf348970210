// Under every textarea with data-char-limit, how many characters it holds: "123 / 1000".
// The server enforces the limit (pledges/validators.py) and keeps the text; this only
// shows where one stands while typing. Counted as the server counts: a line break is one.
(function () {
  document.querySelectorAll("textarea[data-char-limit]").forEach(function (box) {
    var limit = parseInt(box.dataset.charLimit, 10);
    if (!limit) { return; }
    var counter = document.createElement("div");
    counter.className = "form-text text-end char-count";
    counter.id = box.id + "-count";
    box.insertAdjacentElement("afterend", counter);
    var described = box.getAttribute("aria-describedby");
    box.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    var update = function () {
      var length = Array.from(box.value.trim()).length;  // code points, as Python counts
      counter.textContent = length + " / " + limit;
      counter.classList.toggle("text-danger", length > limit);
      counter.classList.toggle("fw-semibold", length > limit);
    };
    box.addEventListener("input", update);
    update();
  });
})();

// Live score while typing: posts the form to the preview endpoint (nothing is saved).
(function () {
  var form = document.getElementById("card-form");
  if (!form || form.querySelector("[disabled]") && !form.querySelector("button[type=submit]")) return;
  var timer = null, sent = 0;
  function refresh() {
    var data = new FormData(form), mine = ++sent;
    fetch(form.dataset.preview, { method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": data.get("csrfmiddlewaretoken") } })
      .then(function (r) { return r.json(); })
      .then(function (json) {
        if (mine !== sent) return;  // a later preview is on its way: an earlier answer must not overwrite it
        var err = document.getElementById("score-error");
        if (json.error) { err.textContent = json.error; return; }
        err.textContent = "";
        document.getElementById("score-result").textContent = json.result;
        document.getElementById("score-value").textContent = json.score === null ? "—" : json.score;
        document.querySelectorAll("[data-points]").forEach(function (cell) {
          var v = json.deductions[cell.dataset.points];
          cell.textContent = v === undefined ? "" : v;
        });
      });
  }
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 250); });
  // Values typed (or restored by the browser) before this script ran count too.
  if (form.querySelector("button[type=submit]")) refresh();
})();

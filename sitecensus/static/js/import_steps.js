// Runs the dry run file by file, showing progress, then shows the summary.
(function () {
  var box = document.getElementById("analysis");
  if (!box || !window.fetch) return;
  var form = document.getElementById("step-form");
  form.hidden = true;
  var token = form.querySelector("[name=csrfmiddlewaretoken]").value;
  function step() {
    fetch(box.dataset.step, { method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        document.getElementById("analysis-done").textContent = j.done;
        document.getElementById("analysis-bar").value = j.done;
        if (j.state === "analysing") { step(); } else { window.location.reload(); }
      })
      .catch(function () { form.hidden = false; });
  }
  step();
})();

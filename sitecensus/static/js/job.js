// Follows a background job's progress; when it is done, goes on to its result page.
(function () {
  var box = document.getElementById("job");
  if (!box) return;
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (j) {
      document.getElementById("job-status").textContent = j.label;
      document.getElementById("job-message").textContent = j.message || "";
      var bar = document.getElementById("job-progress");
      bar.max = j.total || 1;
      bar.value = j.done;
      document.getElementById("job-count").textContent = j.done + " / " + j.total;
      if (j.status === "queued" || j.status === "running") { setTimeout(poll, 1000); return; }
      if (j.error) {
        var err = document.getElementById("job-error");
        err.textContent = j.error;
        err.hidden = false;
      }
      document.getElementById("job-done").hidden = false;
      if (j.status === "done" && j.next) window.location.assign(j.next);
      else if (j.status === "done" && j.result && j.result.file && !document.querySelector("[data-testid=job-file]")) window.location.reload();
    }).catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();

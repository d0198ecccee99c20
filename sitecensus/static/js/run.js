// Polls a scan run's progress until it ends.
(function () {
  var status = document.getElementById("run-status");
  if (!status) return;
  function poll() {
    fetch(status.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (j) {
      status.textContent = j.label + (j.error ? "：" + j.error : "");
      document.getElementById("run-progress").value = j.done;
      document.getElementById("run-count").textContent = j.done + " / " + j.total;
      if (j.status === "running") { setTimeout(poll, 1000); return; }
      var link = document.getElementById("run-site-link");
      if (j.site) link.href = "/scans/site/" + j.site + "/";
      document.getElementById("run-done").hidden = false;
    });
  }
  poll();
})();

// Polls a scan run's progress until it ends; a finished scan of one site goes on to
// that site's scan page (its findings), a failed one stays to show why.
(function () {
  var status = document.getElementById("run-status");
  if (!status) return;
  function poll() {
    fetch(status.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (j) {
      status.textContent = j.label + (j.error ? "：" + j.error : "");
      document.getElementById("run-progress").value = j.done;
      document.getElementById("run-count").textContent = j.done + " / " + j.total;
      if (j.status === "running" || j.status === "queued") { setTimeout(poll, 1000); return; }
      var link = document.getElementById("run-site-link");
      if (j.site) link.href = "/scans/site/" + j.site + "/";
      document.getElementById("run-done").hidden = false;
      if (j.status === "done" && j.site) window.location.assign(link.href);
    }).catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();

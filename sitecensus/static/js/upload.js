// Upload with a progress bar (large batches), then show the dry-run summary.
(function () {
  var form = document.getElementById("upload-form");
  if (!form || !window.XMLHttpRequest) return;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var bar = document.getElementById("upload-progress"), state = document.getElementById("upload-state");
    var xhr = new XMLHttpRequest();
    bar.hidden = false;
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.value = Math.round(e.loaded * 100 / e.total); state.textContent = "正在上传 " + bar.value + "%"; }
    });
    xhr.upload.addEventListener("load", function () { bar.removeAttribute("value"); state.textContent = "正在预检，请稍候…"; });
    xhr.addEventListener("load", function () {
      if (xhr.responseURL && xhr.responseURL !== window.location.href) { window.location = xhr.responseURL; return; }
      document.open(); document.write(xhr.responseText); document.close();
    });
    xhr.addEventListener("error", function () { state.textContent = "上传失败，请检查网络后重试"; });
    xhr.open("POST", form.action || window.location.href);
    xhr.send(new FormData(form));
  });
})();

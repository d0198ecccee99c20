// No typed work is lost (portal/drafts.py): an unsaved-changes warning on every form,
// server-side autosave of forms marked data-autosave, their restoration, the restoration
// of a form posted after the session expired, and the countdown to the idle timeout.
(function () {
  "use strict";
  var body = document.body;
  var urls = {fetch: body.dataset.draftFetch, save: body.dataset.draftSave, discard: body.dataset.draftDiscard};
  var SKIP_TYPES = {password: 1, file: 1, submit: 1, button: 1, reset: 1, image: 1};
  var SECRET = /csrfmiddlewaretoken|password|token|captcha|otp|secret/i;

  function postForms() {
    return Array.prototype.filter.call(document.querySelectorAll("form"), function (f) {
      return (f.getAttribute("method") || "").toLowerCase() === "post";
    });
  }

  function csrf(form) {
    var input = (form && form.querySelector("input[name=csrfmiddlewaretoken]")) ||
      document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function pathOf(url) {
    try { return new URL(url, location.href).pathname; } catch (e) { return location.pathname; }
  }

  // --- unsaved-changes warning (every POST form) --------------------------------------
  var dirty = [];
  function markDirty(form) { if (dirty.indexOf(form) < 0) dirty.push(form); }
  function markClean(form) { dirty = dirty.filter(function (f) { return f !== form; }); }
  var submitting = null;
  postForms().forEach(function (form) {
    if (form.hasAttribute("data-no-warn")) return;
    form.addEventListener("input", function () { markDirty(form); });
    form.addEventListener("change", function () { markDirty(form); });
    form.addEventListener("submit", function () { submitting = form; markClean(form); });
  });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty.length) return;
    event.preventDefault();
    event.returnValue = "您填写的内容尚未保存，确定离开此页吗？";
    return event.returnValue;
  });

  // --- filling a form from kept content --------------------------------------------------
  function fill(form, data) {
    Object.keys(data).forEach(function (name) {
      var m = /^(.*)-TOTAL_FORMS$/.exec(name);
      if (!m) return;
      var total = form.elements[name];
      var add = document.querySelector('[data-formset-add="' + m[1] + '"]');
      var want = parseInt(data[name][0], 10) || 0;
      for (var guard = 0; total && add && parseInt(total.value, 10) < want && guard < 1000; guard++) add.click();
    });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP_TYPES[el.type] || SECRET.test(el.name) || /-(TOTAL|INITIAL)_FORMS$/.test(el.name)) return;
      var values = data[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = !!values && values.indexOf(el.value) >= 0;
      } else if (!values) {
        return;
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) >= 0; });
      } else {
        // Several inputs of one name: each takes its own value in order.
        var same = form.querySelectorAll('[name="' + el.name.replace(/"/g, '\\"') + '"]');
        var index = Array.prototype.indexOf.call(same, el);
        el.value = values[index] !== undefined ? values[index] : values[0];
      }
      el.dispatchEvent(new Event("change", {bubbles: false}));
    });
    markDirty(form);
  }

  function notice(form, text, withDiscard) {
    var box = document.createElement("div");
    box.className = "notice draft-restored";
    box.setAttribute("data-testid", "draft-restored");
    box.textContent = text;
    if (withDiscard) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link";
      button.textContent = "放弃这些内容，恢复原样";
      button.addEventListener("click", function () {
        var fd = new FormData();
        fd.append("_draft_path", location.pathname);
        fetch(urls.discard, {method: "POST", body: fd, credentials: "same-origin",
                             headers: {"X-CSRFToken": csrf(form)}})
          .then(function () { markClean(form); location.reload(); });
      });
      box.appendChild(document.createTextNode(" "));
      box.appendChild(button);
    }
    form.parentNode.insertBefore(box, form);
  }

  function chooseForm(action) {
    var forms = postForms().filter(function (f) { return !f.hasAttribute("data-no-warn"); });
    var byAction = forms.filter(function (f) { return pathOf(f.action) === action; });
    var candidates = byAction.length ? byAction : forms.filter(function (f) { return f.hasAttribute("data-autosave"); });
    if (!candidates.length) candidates = forms;
    candidates.sort(function (a, b) { return b.elements.length - a.elements.length; });
    return candidates[0];
  }

  function restore() {
    if (!urls.fetch) return;
    fetch(urls.fetch + "?path=" + encodeURIComponent(location.pathname), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {draft: null}; })
      .then(function (answer) {
        var draft = answer.draft;
        if (!draft) return;
        var form = chooseForm(draft.action || location.pathname);
        if (!form || (draft.origin === "autosave" && !form.hasAttribute("data-autosave"))) return;
        fill(form, draft.data);
        notice(form, draft.origin === "expired"
          ? "已填回您在登录超时时提交的内容（" + draft.saved + "），尚未保存：请核对后重新提交。"
          : "已恢复您 " + draft.saved + " 自动保存、尚未提交的内容。", true);
      })
      .catch(function () {});
  }

  // --- autosave (forms marked data-autosave) -------------------------------------------
  function status(form, text) {
    var el = form.querySelector("[data-autosave-status]");
    if (!el) {
      el = document.createElement("p");
      el.className = "muted small autosave-status";
      el.setAttribute("data-autosave-status", "");
      el.setAttribute("data-testid", "autosave-status");
      el.setAttribute("aria-live", "polite");
      form.insertBefore(el, form.firstChild);
    }
    el.textContent = text;
  }

  function autosave(form) {
    var timer = null;
    function save() {
      var fd = new FormData(form);
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name && (el.type === "password" || el.type === "file" || SECRET.test(el.name))) fd.delete(el.name);
      });
      fd.append("_draft_path", location.pathname);
      fd.append("_draft_action", pathOf(form.action));
      fetch(urls.save, {method: "POST", body: fd, credentials: "same-origin", headers: {"X-CSRFToken": csrf(form)}})
        .then(function (r) {
          var json = (r.headers.get("Content-Type") || "").indexOf("json") >= 0;
          if (!r.ok || r.redirected || !json) throw new Error("expired");
          return r.json();
        })
        .then(function (answer) {
          status(form, "已自动保存（" + answer.saved + "），尚未提交。");
          if (window.sitecensusSession) window.sitecensusSession(answer.remaining, answer.absolute);
        })
        .catch(function () {
          status(form, "未能自动保存（登录可能已超时）。提交时如需重新登录，已填写的内容会保留并在登录后填回。");
        });
    }
    function schedule() { clearTimeout(timer); timer = setTimeout(save, 1200); }
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    form.addEventListener("submit", function () { clearTimeout(timer); });
  }

  var autosaved = postForms().filter(function (f) { return f.hasAttribute("data-autosave"); });
  autosaved.forEach(autosave);
  if (body.dataset.draftPending === "1" || autosaved.length) restore();

  // --- countdown to the idle timeout ------------------------------------------------------
  var box = document.getElementById("idle-warning");
  if (!box) return;
  var text = box.querySelector("[data-idle-text]");
  var keep = box.querySelector("form");
  var warn = parseInt(box.dataset.warn, 10);
  var deadline, absolute;
  function reset(remaining, isAbsolute) {
    deadline = Date.now() + remaining * 1000;
    absolute = !!isAbsolute;
    tick();
  }
  window.sitecensusSession = reset;
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    if (left > warn) { box.hidden = true; return; }
    box.hidden = false;
    var clock = Math.floor(left / 60) + ":" + two(left % 60);
    if (left === 0) {
      text.textContent = "登录已超时。已填写的内容不会丢失：提交时请重新登录，登录后内容将自动填回。";
      keep.querySelector("button").hidden = true;
    } else if (absolute) {
      text.textContent = "本次登录已接近最长时限，将在 " + clock + " 后退出，请及时保存。";
      keep.querySelector("button").hidden = true;
    } else {
      text.textContent = "长时间未操作，将在 " + clock + " 后自动退出登录。";
      keep.querySelector("button").hidden = false;
    }
  }
  keep.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(keep.action, {method: "POST", body: new FormData(keep), credentials: "same-origin",
                        headers: {"X-CSRFToken": csrf(keep)}})
      .then(function (r) {
        if (!r.ok || r.redirected) throw new Error("expired");
        return r.json();
      })
      .then(function (answer) { reset(answer.remaining, answer.absolute); })
      .catch(function () { reset(0, false); });
  });
  reset(parseInt(box.dataset.remaining, 10), box.dataset.absolute === "1");
  setInterval(tick, 1000);
})();

// Behaviour without inline handlers (the Content-Security-Policy allows no inline script):
// <button data-confirm="…"> asks before the click goes through; <form data-confirm="…"> asks
// before it is submitted; <button data-print> prints the page; <input type="checkbox"
// data-check-all="NAME"> ticks or clears every checkbox named NAME.
(function () {
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("button[data-confirm],a[data-confirm],input[data-confirm],[data-print]") : null;
    if (!target) return;
    if (target.hasAttribute("data-print")) { event.preventDefault(); window.print(); return; }
    if (!window.confirm(target.getAttribute("data-confirm"))) event.preventDefault();
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.matches && form.matches("form[data-confirm]") && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box || !box.hasAttribute || !box.hasAttribute("data-check-all")) return;
    var boxes = document.querySelectorAll('input[type=checkbox][name="' + box.getAttribute("data-check-all") + '"]');
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = box.checked;
  });
})();

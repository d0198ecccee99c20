// Confirmation before irreversible actions and print buttons, without inline handlers:
// <button data-confirm="…"> asks first; <button data-print> prints the page.
(function () {
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-confirm],[data-print]") : null;
    if (!target) return;
    if (target.hasAttribute("data-print")) { event.preventDefault(); window.print(); return; }
    if (!window.confirm(target.getAttribute("data-confirm"))) event.preventDefault();
  });
})();

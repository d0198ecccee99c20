// Adds a column row to a Django formset (prefix "col"): clones the template,
// numbers it, and bumps TOTAL_FORMS. No framework, served locally.
(function () {
  var button = document.getElementById("add-column");
  if (!button) return;
  button.addEventListener("click", function () {
    var total = document.getElementById("id_col-TOTAL_FORMS");
    var index = parseInt(total.value, 10);
    var html = document.getElementById("column-template").innerHTML.replace(/__prefix__/g, index);
    document.querySelector("#columns tbody").insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
  });
})();

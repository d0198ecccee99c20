// Render every chart whose ECharts option the server put in a JSON script tag.
(function () {
  if (!window.echarts) return;
  var boxes = document.querySelectorAll("[data-chart]");
  var charts = [];
  for (var i = 0; i < boxes.length; i++) {
    var source = document.getElementById(boxes[i].getAttribute("data-chart"));
    if (!source) continue;
    var height = boxes[i].getAttribute("data-height");
    if (height) boxes[i].style.height = Math.max(parseInt(height, 10), parseInt(boxes[i].getAttribute("data-min-height") || "0", 10)) + "px";
    var chart = echarts.init(boxes[i], null, { renderer: "canvas" });
    chart.setOption(JSON.parse(source.textContent));
    charts.push(chart);
  }
  window.addEventListener("resize", function () {
    for (var j = 0; j < charts.length; j++) charts[j].resize();
  });
})();

// The dashboard's charts (ECharts, vendored). The same figures are in the tables under them.
// Their data comes from the page's json_script element #chart-data. Tooltips are drawn on
// the canvas (richText): ECharts' HTML tooltips carry style attributes, which the
// Content-Security-Policy refuses.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.echarts) { return; }
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var packages = document.getElementById("chart-packages");
  if (packages && data.packages.length) {
    echarts.init(packages).setOption({
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { data: ["平均办理工作日", "承诺工作日"] },
      grid: { left: 8, right: 8, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.packages, axisLabel: { interval: 0, rotate: 20 } },
      yAxis: { type: "value", name: "工作日" },
      series: [
        { name: "平均办理工作日", type: "bar", data: data.average },
        { name: "承诺工作日", type: "bar", data: data.promised }
      ]
    });
  }
  var complaints = document.getElementById("chart-complaints");
  if (complaints) {
    echarts.init(complaints).setOption({
      tooltip: { renderMode: "richText" },
      grid: { left: 8, right: 8, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.categories },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: "投诉", type: "bar", data: data.complaints }]
    });
  }
});

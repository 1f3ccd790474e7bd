// The dashboard's charts (ECharts, vendored). The same figures are in the tables under them.
// Their data comes from the page's json_script element #chart-data. Tooltips are drawn on
// the canvas (richText): ECharts' HTML tooltips carry style attributes, which the
// Content-Security-Policy refuses.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.echarts) { return; }
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var packages = document.getElementById("chart-packages");
  if (packages && data.packages.length) {
    // On a phone the packages' names would overlap under the bars: the bars lie down
    // instead, one row a package, and the chart grows to hold them.
    var narrow = packages.clientWidth < 600;
    var names = { type: "category", data: data.packages, inverse: narrow,
                  axisLabel: narrow ? { interval: 0, width: 110, overflow: "truncate" } : { interval: 0, rotate: 20 } };
    var days = { type: "value", name: "工作日" };
    if (narrow) { packages.style.height = (data.packages.length * 34 + 90) + "px"; }
    echarts.init(packages).setOption({
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { data: ["平均办理工作日", "承诺工作日"] },
      grid: { left: 8, right: 16, bottom: 8, containLabel: true },
      xAxis: narrow ? days : names,
      yAxis: narrow ? names : days,
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
      xAxis: { type: "category", data: data.categories,
               axisLabel: { interval: 0, rotate: complaints.clientWidth < 600 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: "投诉", type: "bar", data: data.complaints }]
    });
  }
});

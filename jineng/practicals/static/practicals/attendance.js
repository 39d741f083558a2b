// Attendance per session as a bar chart, from data the page carries in
// <script type="application/json"> (CSP: no inline script). Needs echarts.min.js first.

const node = document.getElementById("attendance-chart-data");
const element = document.getElementById("attendance-chart");
if (node && element && window.echarts) {
  const data = JSON.parse(node.textContent);
  const chart = window.echarts.init(element, null, { renderer: "svg" });
  chart.setOption({
    grid: { left: 40, right: 10, top: 30, bottom: 70 },
    legend: { top: 0 },
    tooltip: { trigger: "axis", renderMode: "richText" },
    xAxis: { type: "category", data: data.titles, axisLabel: { rotate: 30, width: 120, overflow: "truncate" } },
    yAxis: { type: "value", name: "人", minInterval: 1 },
    series: [
      { type: "bar", name: "签到人数", data: data.signed, itemStyle: { color: "#1e7b34" } },
      { type: "bar", name: "名册人数", data: data.roster, itemStyle: { color: "#d9e2ec" } },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
  element.dataset.ready = "1";
}

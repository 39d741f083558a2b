// Bar charts from data the page carries in <script type="application/json"> (CSP: no inline script).
// Needs echarts.min.js loaded before this module.

function data(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

function draw(element, option) {
  if (!window.echarts || !element) return;
  const chart = window.echarts.init(element, null, { renderer: "svg" });
  chart.setOption(option);
  window.addEventListener("resize", () => chart.resize());
  element.dataset.ready = "1";
}

const daily = data("daily-chart-data");
if (daily && daily.days.length) {
  draw(document.getElementById("daily-chart"), {
    grid: { left: 40, right: 10, top: 20, bottom: 40 },
    tooltip: { trigger: "axis", renderMode: "richText" },
    xAxis: { type: "category", data: daily.days.map((d) => d.slice(5)) },
    yAxis: { type: "value", name: "分钟" },
    series: [{ type: "bar", data: daily.minutes, name: "有效学习（分钟）", itemStyle: { color: "#c0392b" } }],
  });
}

const hours = data("hours-chart-data");
if (hours && hours.names.length) {
  draw(document.getElementById("hours-chart"), {
    grid: { left: 40, right: 10, top: 30, bottom: 60 },
    legend: { top: 0 },
    tooltip: { trigger: "axis", renderMode: "richText" },
    xAxis: { type: "category", data: hours.names, axisLabel: { rotate: 45 } },
    yAxis: { type: "value", name: "学时" },
    series: [
      { type: "bar", name: "完成学时", data: hours.hours, itemStyle: { color: "#1e7b34" } },
      { type: "bar", name: "计划学时", data: hours.planned, itemStyle: { color: "#d9e2ec" } },
    ],
  });
}

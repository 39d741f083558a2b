// The claim page's chart: the judged amount per payee. Data comes from a JSON block (no
// inline script under the strict CSP); ECharts is loaded by the page's head.
const box = document.getElementById("claim-chart");
const source = document.getElementById("claim-chart-data");
if (box && source && window.echarts) {
  const data = JSON.parse(source.textContent);
  const chart = window.echarts.init(box, null, { renderer: "svg" });
  chart.setOption({
    grid: { left: 8, right: 8, top: 28, bottom: 8, containLabel: true },
    tooltip: {},
    xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0 } },
    yAxis: { type: "value", name: "元" },
    series: [{ type: "bar", data: data.values.map(Number), label: { show: true, position: "top" } }],
  });
  window.addEventListener("resize", () => chart.resize());
}

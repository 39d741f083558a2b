// The register's chart: certificates issued per month over the last year, for the filters in
// force. Data comes from a JSON block (no inline script under the strict CSP).
const box = document.getElementById("register-chart");
const source = document.getElementById("register-chart-data");
if (box && source && window.echarts) {
  const data = JSON.parse(source.textContent);
  const chart = window.echarts.init(box, null, { renderer: "svg" });
  chart.setOption({
    grid: { left: 8, right: 8, top: 28, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.labels.map((label) => label.slice(2)), axisLabel: { interval: 0, rotate: 45 } },
    yAxis: { type: "value", name: "张", minInterval: 1 },
    series: [{ type: "bar", name: "发证", data: data.values, label: { show: true, position: "top" } }],
  });
  window.addEventListener("resize", () => chart.resize());
}

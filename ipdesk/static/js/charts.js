/* The ECharts figures of the dashboard, bulletins and statistics pages. Each page renders its data with
 * Django's json_script filter (<script type="application/json">) and labels in data- attributes; this
 * file draws whichever charts the page has, so no page needs an inline script (CSP script-src 'self'). */
(function () {
  "use strict";

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function chart(id) {
    var el = document.getElementById(id);
    return el ? echarts.init(el) : null;
  }

  function pick(rows, i) {
    return rows.map(function (r) { return r[i]; });
  }

  // stats/dashboard.html
  function dashboard() {
    var y = data("trend-year"), m = data("trend-month"), c;
    if (y && (c = chart("chart-year"))) {
      c.setOption({
        tooltip: {trigger: "axis"}, legend: {data: ["发明专利授权量", "有效发明专利拥有量"]},
        xAxis: {type: "category", data: y.years}, yAxis: [{type: "value"}, {type: "value"}],
        series: [{name: "发明专利授权量", type: "bar", data: y.grants},
                 {name: "有效发明专利拥有量", type: "line", yAxisIndex: 1, data: y.valid}]});
    }
    if (m && (c = chart("chart-month"))) {
      var y0 = m.years[0], y1 = m.years[1];
      c.setOption({
        tooltip: {trigger: "axis"}, legend: {data: [y0 + "年", y1 + "年"]},
        xAxis: {type: "category", data: m.months}, yAxis: {type: "value"},
        series: [{name: y0 + "年", type: "bar", data: m["grants_" + y0]},
                 {name: y1 + "年", type: "bar", data: m["grants_" + y1]}]});
    }
  }

  // stats/bulletin_detail.html
  function bulletin() {
    var d = data("bulletin-data"), c;
    if (!d) return;
    if (d.sections && d.sections.length && (c = chart("chart-units"))) {
      var s = d.sections[0];
      c.setOption({
        title: {text: s.label + "（按区（市））", textStyle: {fontSize: 13}}, tooltip: {},
        xAxis: {type: "category", data: s.rows.map(function (r) { return r.name; })}, yAxis: {type: "value"},
        series: [{type: "bar", data: s.rows.map(function (r) { return r.value; })}]});
    }
    var t = d.trend;
    if (t && t.months && (c = chart("chart-trend"))) {
      var y0 = t.years[0], y1 = t.years[1];
      c.setOption({
        title: {text: "发明专利授权量（按月）", textStyle: {fontSize: 13}}, tooltip: {trigger: "axis"},
        legend: {data: [y0 + "年", y1 + "年"], right: 0}, xAxis: {type: "category", data: t.months},
        yAxis: {type: "value"},
        series: [{name: y0 + "年", type: "bar", data: t["grants_" + y0]},
                 {name: y1 + "年", type: "bar", data: t["grants_" + y1]}]});
    }
  }

  // services/figures.html
  function services() {
    var t = data("type-data"), s = data("status-data"), m = data("time-data"), c;
    if (t && (c = chart("chart-type"))) {
      c.setOption({tooltip: {}, grid: {left: 120}, xAxis: {type: "value"},
                   yAxis: {type: "category", data: t.names}, series: [{type: "bar", data: t.values}]});
    }
    if (s && (c = chart("chart-status"))) {
      c.setOption({tooltip: {}, series: [{type: "pie", radius: "65%", data: s}]});
    }
    if (m && (c = chart("chart-time"))) {
      c.setOption({tooltip: {}, xAxis: {type: "category", data: m.names, axisLabel: {interval: 0, fontSize: 10}},
                   yAxis: {type: "value"}, series: [{type: "bar", data: m.values}]});
    }
  }

  // finance/figures.html: the translated labels come in data- attributes of the chart element
  function finance() {
    var d = data("chart-data"), el = document.getElementById("chart");
    if (!d || !el) return;
    var l = el.dataset;
    echarts.init(el).setOption({
      title: {text: l.title, left: "center", textStyle: {fontSize: 14}},
      tooltip: {trigger: "axis"}, legend: {bottom: 0, data: [l.amount, l.patents]},
      grid: {top: 48, bottom: 56}, xAxis: {type: "category", data: d.labels},
      yAxis: [{type: "value", name: l.amountUnit}, {type: "value", name: l.patentsUnit}],
      series: [{name: l.amount, type: "bar", data: d.amount},
               {name: l.patents, type: "line", yAxisIndex: 1, data: d.patents}]});
  }

  // protection/figures.html
  function protection() {
    var rows = data("monthly-data"), c;
    if (!rows || !(c = chart("monthly-chart"))) return;
    c.setOption({
      tooltip: {trigger: "axis"}, legend: {data: ["裁决立案", "裁决结案", "援助受理"]},
      xAxis: {type: "category", data: pick(rows, 0)}, yAxis: {type: "value", minInterval: 1},
      series: [{name: "裁决立案", type: "bar", data: pick(rows, 1)},
               {name: "裁决结案", type: "bar", data: pick(rows, 2)},
               {name: "援助受理", type: "line", data: pick(rows, 3)}]});
  }

  function draw() {
    if (typeof echarts === "undefined") return;
    dashboard();
    bulletin();
    services();
    finance();
    protection();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

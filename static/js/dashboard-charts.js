// Charts of the results dashboard (templates/results/dashboard.html) and of a department's
// results (department.html), drawn with the self-hosted plotly.js from the JSON in
// #dashboard-data (results.dashboard chart_data). Every chart is hidden from assistive
// technology: the table and sentence after it say the same.
(function () {
  "use strict";

  var source = document.getElementById("dashboard-data");
  if (!source || !window.Plotly) {
    return;
  }
  var data = JSON.parse(source.textContent);
  // Every name plotly shows goes through chartText (chart-text.js): it is plain text.
  var text = window.chartText;
  // No modebar (it needs inline styles the CSP blocks) and no hover: a picture of the tables.
  var config = { displayModeBar: false, staticPlot: true, responsive: true };
  var font = { family: "inherit", size: 14, color: "#1a1a1a" };

  function closed(values) {
    // A radar line returns to its first point.
    return values.concat(values.slice(0, 1));
  }

  function radarLine(series, theta, line, symbol) {
    return {
      type: "scatterpolar",
      name: text(series.label),
      r: closed(series.scores),
      theta: theta,
      mode: "lines+markers",
      line: line,
      marker: { symbol: symbol },
      connectgaps: false,
    };
  }

  function drawRadar(element) {
    var theta = closed(data.areas.map(text));
    var traces = [];
    // Line styles and marker shapes differ too, so colour is never the only cue.
    if (data.previous) {
      traces.push(radarLine(data.previous, theta, { color: "#767676", dash: "dash" }, "square"));
    }
    if (data.peer) {
      traces.push(radarLine(data.peer, theta, { color: "#b45309", dash: "dot" }, "diamond"));
    }
    if (data.target) {
      traces.push(radarLine(data.target, theta, { color: "#047857", dash: "dashdot" }, "star"));
    }
    traces.push({
      type: "scatterpolar",
      name: text(data.current.label),
      r: closed(data.current.scores),
      theta: theta,
      mode: "lines+markers",
      fill: "toself",
      line: { color: "#0031d8" },
    });
    Plotly.newPlot(
      element,
      traces,
      {
        font: font,
        height: 480,
        // Japanese area names are long: narrower margins clip them.
        margin: { t: 100, r: 120, b: 100, l: 120 },
        polar: { radialaxis: { range: [0, 100], tickvals: [20, 40, 60, 80, 100] } },
        legend: { orientation: "h" },
        showlegend: true,
      },
      config
    );
  }

  function drawHeatmap(element) {
    Plotly.newPlot(
      element,
      [
        {
          type: "heatmap",
          x: data.areas.map(text),
          y: data.departments.map(text),
          z: data.matrix,
          zmin: 0,
          zmax: 100,
          colorscale: "Blues",
          texttemplate: "%{z:.1f}",
          hoverongaps: false,
        },
      ],
      {
        font: font,
        height: Math.max(240, 60 + 40 * data.departments.length),
        margin: { t: 20, r: 20, b: 100, l: 160 },
        yaxis: { autorange: "reversed", automargin: true },
        xaxis: { automargin: true },
      },
      config
    );
  }

  function drawTrend(element) {
    var trend = data.trend;
    var palette = ["#0031d8", "#b45309", "#047857", "#7c3aed", "#be123c", "#0e7490", "#4d7c0f",
      "#a16207", "#475569"];
    var symbols = ["circle", "square", "diamond", "triangle-up", "x", "star", "cross",
      "triangle-down", "pentagon"];
    var traces = [
      {
        type: "scatter",
        name: text(trend.overall.label),
        x: trend.years.map(text),
        y: trend.overall.scores,
        mode: "lines+markers",
        line: { color: "#1a1a1a", width: 4 },
        marker: { size: 10 },
      },
    ];
    trend.areas.forEach(function (area, n) {
      traces.push({
        type: "scatter",
        name: text(area.label),
        x: trend.years.map(text),
        y: area.scores,
        mode: "lines+markers",
        line: { color: palette[n % palette.length], dash: n % 2 ? "dash" : "solid" },
        marker: { symbol: symbols[n % symbols.length] },
      });
    });
    Plotly.newPlot(
      element,
      traces,
      {
        font: font,
        height: 420,
        margin: { t: 20, r: 20, b: 60, l: 60 },
        xaxis: { type: "category" },
        yaxis: { range: [0, 100], title: { text: "" } },
        legend: { orientation: "h", y: -0.2 },
        showlegend: true,
      },
      config
    );
  }

  var trendChart = document.getElementById("trend-chart");
  if (trendChart && data.trend) {
    drawTrend(trendChart);
  }
  var radar = document.getElementById("radar-chart");
  if (radar && data.areas.length) {
    drawRadar(radar);
  }
  var heatmap = document.getElementById("heatmap-chart");
  if (heatmap && data.departments.length) {
    drawHeatmap(heatmap);
  }
})();

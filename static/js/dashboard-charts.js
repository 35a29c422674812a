// Charts of the results dashboard (templates/results/dashboard.html), drawn with the
// self-hosted plotly.js from the JSON in #dashboard-data. Every chart is hidden from
// assistive technology: the table and sentence after it say the same.
(function () {
  "use strict";

  var source = document.getElementById("dashboard-data");
  if (!source || !window.Plotly) {
    return;
  }
  var data = JSON.parse(source.textContent);
  // No modebar (it needs inline styles the CSP blocks) and no hover: a picture of the tables.
  var config = { displayModeBar: false, staticPlot: true, responsive: true };
  var font = { family: "inherit", size: 14, color: "#1a1a1a" };

  function closed(values) {
    // A radar line returns to its first point.
    return values.concat(values.slice(0, 1));
  }

  function drawRadar(element) {
    var theta = closed(data.areas);
    var traces = [];
    if (data.previous) {
      traces.push({
        type: "scatterpolar",
        name: data.previous.label,
        r: closed(data.previous.scores),
        theta: theta,
        mode: "lines+markers",
        line: { color: "#767676", dash: "dash" },
        marker: { symbol: "square" },
      });
    }
    traces.push({
      type: "scatterpolar",
      name: data.current.label,
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
          x: data.areas,
          y: data.departments,
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

  var radar = document.getElementById("radar-chart");
  if (radar && data.areas.length) {
    drawRadar(radar);
  }
  var heatmap = document.getElementById("heatmap-chart");
  if (heatmap && data.departments.length) {
    drawHeatmap(heatmap);
  }
})();

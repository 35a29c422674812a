// The consultant portfolio's bar chart (templates/results/portfolio.html): each
// municipality's overall score in the table's order, from the JSON in #portfolio-data
// (results.benchmarks.portfolio_chart_data), drawn with the self-hosted plotly.js.
// Hidden from assistive technology: the sentence and the table below say the same.
(function () {
  "use strict";

  var source = document.getElementById("portfolio-data");
  var element = document.getElementById("portfolio-chart");
  if (!source || !element || !window.Plotly) {
    return;
  }
  var data = JSON.parse(source.textContent);
  // Municipality names and the label are plain text to plotly (chart-text.js).
  var text = window.chartText;
  Plotly.newPlot(
    element,
    [
      {
        type: "bar",
        orientation: "h",
        name: text(data.label),
        x: data.scores,
        y: data.names.map(text),
        marker: { color: "#0031d8" },
        texttemplate: "%{x:.1f}",
        textposition: "outside",
        cliponaxis: false,
      },
    ],
    {
      font: { family: "inherit", size: 14, color: "#1a1a1a" },
      height: Math.max(200, 80 + 36 * data.names.length),
      margin: { t: 20, r: 60, b: 60, l: 20 },
      // The first row of the table at the top.
      yaxis: { autorange: "reversed", automargin: true, type: "category" },
      xaxis: { range: [0, 100], title: { text: text(data.label) } },
      showlegend: false,
    },
    // No modebar (it needs inline styles the CSP blocks) and no hover: a picture of the table.
    { displayModeBar: false, staticPlot: true, responsive: true }
  );
})();

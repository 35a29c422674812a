// Labels for plotly as plain text. Plotly reads every label, legend entry and title as a
// little HTML (<a href>, <b>, <br>, entities), so a department or area named
// `<a href="http://…">x</a>` would become a link to another host. With &, < and > written
// as entities plotly shows the characters themselves: it turns entities back into text.
// Loaded before dashboard-charts.js and portfolio-chart.js (results/includes/chart_scripts.html).
(function () {
  "use strict";

  var entities = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

  window.chartText = function (value) {
    return String(value).replace(/[&<>]/g, function (character) {
      return entities[character];
    });
  };
})();

// Charts are drawn while the page is still being parsed, before the grid knows how many
// columns it has; once the page (or an htmx swap) is complete, fit each chart to its card.
(function () {
  function fitCharts(root) {
    if (!window.Plotly) return;
    root.querySelectorAll(".js-plotly-plot").forEach(function (chart) {
      window.Plotly.Plots.resize(chart);
    });
  }
  window.addEventListener("load", function () { fitCharts(document); });
  document.addEventListener("htmx:afterSettle", function (event) { fitCharts(event.target); });
})();

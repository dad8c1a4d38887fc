// Draws every chart the server embedded as JSON (workbench/charts.py), on page load and in
// whatever htmx swaps in later. The Content-Security-Policy runs no inline script, so the
// figures wait here for this file instead of carrying a <script> of their own.
(function () {
  // No mode bar: its buttons would sit inside the drawing, which reads to assistive technology
  // as one image (role="img", named by its figure), and an image holds nothing to press. The
  // figures are in each chart's table; hover, click and drag still work with a mouse.
  var CONFIG = { displaylogo: false, displayModeBar: false, responsive: true };

  // A click on a bar, a month or a bubble of a chart inside [data-drill] opens what is behind
  // it: the figure's customdata holds the address (first item when it holds several).
  function openDrillDown(event) {
    var point = event.points && event.points[0];
    var target = point && point.customdata;
    if (Array.isArray(target)) target = target[0];
    if (target) window.location.href = target;
  }

  // The figure stays in its attribute: a page htmx restores from its history comes back with
  // it and is drawn afresh (newPlot replaces whatever was drawn before, listeners included).
  function drawChart(holder) {
    var figure = JSON.parse(holder.dataset.figure);
    // The server sends the drawing hidden and the table open, so that without JavaScript the
    // table stands in for the chart; with it, the drawing shows and the table folds away.
    holder.hidden = false;
    var figureElement = holder.closest("figure");
    var table = figureElement && figureElement.querySelector("details[data-chart-table]");
    if (table && !table.dataset.chartDrawn) {
      table.open = false;
      table.dataset.chartDrawn = "true";
    }
    window.Plotly.newPlot(holder, figure.data, figure.layout, CONFIG).then(function (chart) {
      if (chart.closest("[data-drill]")) chart.on("plotly_click", openDrillDown);
    });
  }

  function drawCharts(root) {
    if (!window.Plotly || !root.querySelectorAll) return;
    if (root.matches("[data-figure]")) drawChart(root);
    root.querySelectorAll("[data-figure]").forEach(drawChart);
  }

  // Once images and fonts are in, the grid may have settled on other widths: fit each chart.
  window.addEventListener("load", function () {
    if (!window.Plotly) return;
    document.querySelectorAll(".js-plotly-plot").forEach(function (chart) {
      window.Plotly.Plots.resize(chart);
    });
  });

  if (window.htmx) {
    // htmx calls this for the whole page once it is ready, then for each swapped-in element.
    window.htmx.onLoad(drawCharts);
  } else {
    // The print page has no htmx.
    document.addEventListener("DOMContentLoaded", function () { drawCharts(document.body); });
  }
})();

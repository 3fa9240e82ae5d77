/* Draws the Plotly charts whose figures the page carries as JSON data blocks. */
(function () {
  "use strict";
  if (!window.Plotly) return;
  document.querySelectorAll("[data-chart]").forEach(function (target) {
    var data = document.getElementById(target.getAttribute("data-chart"));
    if (!data) return;
    var figure = JSON.parse(data.textContent);
    window.Plotly.newPlot(target, figure.data, figure.layout, {
      displaylogo: false, responsive: true,
      modeBarButtonsToRemove: ["sendDataToCloud", "lasso2d", "select2d"]
    });
  });
})();

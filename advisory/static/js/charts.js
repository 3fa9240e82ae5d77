/* Draws the Plotly charts whose figures the page carries as JSON data blocks.

   No "share to cloud" or other upload button: the mode bar keeps only zoom, pan, reset and the
   PNG download, and the Plotly logo link is off. On narrow screens (phones, 390 px) the radar
   uses short domain names and small margins, and the bar chart writes each domain's name above
   its bar instead of beside it, so that neither is cut off; the table below has the full data. */
(function () {
  "use strict";
  if (!window.Plotly) return;
  var NARROW = 600;
  var CONFIG = {
    displaylogo: false,
    responsive: true,
    modeBarButtonsToRemove: [
      "sendDataToCloud", "editInChartStudio", "lasso2d", "select2d", "autoScale2d",
      "toggleSpikelines", "hoverClosestCartesian", "hoverCompareCartesian"
    ]
  };

  function shortLabel(label) {
    var first = String(label).split("<br>")[0].replace(/\s*[&,]\s*$/, "");
    return first.indexOf(" ") > 0 ? first.replace(" ", "<br>") : first;
  }

  function narrowRadar(figure) {
    figure.data.forEach(function (trace) {
      if (trace.theta) trace.theta = trace.theta.map(shortLabel);
    });
    var layout = figure.layout;
    layout.margin = { l: 84, r: 84, t: 30, b: 30 };
    layout.height = 440;
    layout.font = Object.assign({}, layout.font, { size: 11 });
    layout.polar.angularaxis = Object.assign({}, layout.polar.angularaxis, { tickfont: { size: 9 } });
    layout.legend = { orientation: "h", y: -0.08, x: 0 };
  }

  function narrowBars(figure) {
    var layout = figure.layout;
    var labels = (figure.data[0] && figure.data[0].y) || [];
    layout.yaxis = Object.assign({}, layout.yaxis, { showticklabels: false, automargin: false });
    layout.margin = { l: 8, r: 36, t: 24, b: 48 };
    layout.height = Math.max(320, 58 * labels.length + 90);
    layout.annotations = labels.map(function (label) {
      return {
        x: 0, y: label, xref: "x", yref: "y", xanchor: "left", yanchor: "bottom", yshift: 9,
        text: label, showarrow: false, font: { size: 12 }
      };
    });
    figure.data[0].width = 0.45;
  }

  document.querySelectorAll("[data-chart]").forEach(function (target) {
    var data = document.getElementById(target.getAttribute("data-chart"));
    if (!data) return;
    var figure = JSON.parse(data.textContent);
    if (target.clientWidth < NARROW) {
      var isRadar = figure.data.some(function (trace) { return trace.type === "scatterpolar"; });
      if (isRadar) narrowRadar(figure); else if (figure.layout.yaxis) narrowBars(figure);
    }
    window.Plotly.newPlot(target, figure.data, figure.layout, CONFIG);
  });
})();

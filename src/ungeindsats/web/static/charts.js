// Draws every chart on the page from its Vega-Lite spec (the JSON beside it) with the Vega
// bundle that vl-convert provides. The table next to each chart holds the same numbers, so a
// page without JavaScript loses nothing but the drawing.
"use strict";
(function () {
  function draw() {
    if (typeof window.vegaEmbed !== "function") {
      return;
    }
    document.querySelectorAll("[data-spec]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-spec"));
      if (!source) {
        return;
      }
      var spec = JSON.parse(source.textContent);
      window
        .vegaEmbed(element, spec, { actions: false, renderer: "svg" })
        .then(function () {
          element.setAttribute("data-rendered", "true");
          // The figure is described by its label; the table beside it carries the numbers.
          element.querySelectorAll("svg").forEach(function (svg) {
            svg.setAttribute("aria-hidden", "true");
            svg.setAttribute("focusable", "false");
          });
        })
        .catch(function (error) {
          element.textContent = "Diagrammet kunne ikke tegnes; se tabellen.";
          element.setAttribute("data-rendered", "error");
          console.error(error);
        });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

/* The dependency map (resilience/scenarios/_map.html) shrinks with the page down to the width
   its text stays readable at (data-min-width, in pixels), then scrolls sideways in its box.
   Set through the element's style object: the Content-Security-Policy refuses style attributes
   written in the page. Without JavaScript the map shrinks to fit the page. */
document.querySelectorAll(".lf-scenario-map svg[data-min-width]").forEach(function (map) {
  map.style.minWidth = parseInt(map.getAttribute("data-min-width"), 10) + "px";
});

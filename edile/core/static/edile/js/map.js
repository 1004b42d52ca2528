// Maps: progressive enhancement. Each .js-map element either names the id of a JSON script
// holding points {lat, lon, label, url, radius?} (data-points), or the address of a GeoJSON
// FeatureCollection of points with "label" and "url" properties (data-geojson), fetched after
// the page has loaded so that a map of thousands of points does not weigh on the page.
// Without JavaScript the page's table or list remains.
(function () {
  if (!window.L) { return; }

  function draw(el, points) {
    // A canvas renderer keeps thousands of circle markers fast.
    var map = L.map(el, { scrollWheelZoom: false, preferCanvas: true }).setView([15, 10], 2);
    L.tileLayer(el.dataset.tiles, { maxZoom: 12, attribution: "&copy; OpenStreetMap" }).addTo(map);
    var bounds = [];
    points.forEach(function (p) {
      var marker = L.circleMarker([p.lat, p.lon], { radius: p.radius || 6, color: "#0b4f8a", weight: 2 });
      var body = document.createElement(p.url ? "a" : "span");
      if (p.url) { body.href = p.url; }
      body.textContent = p.label;
      marker.bindPopup(body);
      marker.addTo(map);
      bounds.push([p.lat, p.lon]);
    });
    if (bounds.length > 1) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 6 }); }
  }

  document.querySelectorAll(".js-map").forEach(function (el) {
    if (el.dataset.geojson) {
      fetch(el.dataset.geojson, { headers: { Accept: "application/geo+json" } })
        .then(function (response) { return response.ok ? response.json() : { features: [] }; })
        .then(function (collection) {
          draw(el, collection.features.map(function (f) {
            return {
              lon: f.geometry.coordinates[0],
              lat: f.geometry.coordinates[1],
              label: f.properties.label,
              url: f.properties.url
            };
          }));
        });
      return;
    }
    var data = document.getElementById(el.dataset.points);
    if (!data) { return; }
    draw(el, JSON.parse(data.textContent));
  });
})();

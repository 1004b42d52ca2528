// Maps: progressive enhancement. Each .js-map element names the id of a JSON script holding
// points {lat, lon, label, url, radius?}. Without JavaScript the page's table or list remains.
(function () {
  if (!window.L) { return; }
  document.querySelectorAll(".js-map").forEach(function (el) {
    var data = document.getElementById(el.dataset.points);
    if (!data) { return; }
    var points = JSON.parse(data.textContent);
    var map = L.map(el, { scrollWheelZoom: false }).setView([15, 10], 2);
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
  });
})();

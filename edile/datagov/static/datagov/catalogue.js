// The catalogue's facets are open by default (without JavaScript, and on wide screens); on a
// phone they start closed behind their "Filter the results" button, so the results come first.
(function () {
  var phone = window.matchMedia("(max-width: 40rem)");
  function fold(root) {
    if (!phone.matches) return;
    root.querySelectorAll("details.facet-toggle").forEach(function (d) { d.open = false; });
  }
  document.addEventListener("DOMContentLoaded", function () { fold(document); });
  document.addEventListener("htmx:afterSwap", function (event) { fold(event.target); });
})();

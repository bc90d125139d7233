// Render every Vega-Lite spec embedded in the page; auto-submit the map controls on change.
const specs = document.querySelectorAll("script.vl-spec");
window.article2Charts = { total: specs.length, rendered: 0, failed: 0 };
for (const node of specs) {
  const target = document.getElementById(node.dataset.target);
  window.vegaEmbed(target, JSON.parse(node.textContent), { renderer: "svg", actions: false })
    .then(() => { window.article2Charts.rendered += 1; target.dataset.rendered = "true"; })
    .catch((err) => {
      window.article2Charts.failed += 1;
      target.textContent = "The chart could not be drawn: " + err.message;
    });
}
const form = document.getElementById("map-form");
if (form) {
  for (const select of form.querySelectorAll("select")) {
    select.addEventListener("change", () => form.submit());
  }
  const at = form.querySelector('input[type="date"]');
  if (at) at.addEventListener("change", () => { if (at.value) form.submit(); });
}
const jump = document.getElementById("jump");
if (jump) {
  jump.addEventListener("submit", (event) => {
    event.preventDefault();
    const iso3 = document.getElementById("jump-iso3").value.trim().toUpperCase();
    if (iso3) window.location.href = "/country/" + encodeURIComponent(iso3);
  });
}

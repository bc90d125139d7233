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
// The compare picker: choosing a country (from the list or by Enter) adds it to the selection;
// each selected country has a remove button. Without scripts the form still works: the typed
// country is sent with those already chosen.
const picker = document.getElementById("cmp-add");
if (picker) {
  const chosen = document.getElementById("cmp-chosen");
  const status = document.getElementById("cmp-status");
  const options = new Map();
  for (const o of document.querySelectorAll("#country-list option")) {
    const m = o.value.match(/\(([A-Z]{3})\)$/);
    if (m) options.set(o.value.toLowerCase(), { iso3: m[1], label: o.value });
  }
  const find = (text) => {
    const t = text.trim().toLowerCase();
    if (!t) return null;
    if (options.has(t)) return options.get(t);
    for (const v of options.values()) {
      if (v.iso3.toLowerCase() === t || v.label.toLowerCase().startsWith(t + " (")) return v;
    }
    return null;
  };
  const add = () => {
    const hit = find(picker.value);
    if (!hit) { status.textContent = "No country matches \u201c" + picker.value + "\u201d."; return false; }
    if (chosen.querySelector('input[value="' + hit.iso3 + '"]')) {
      status.textContent = hit.label + " is already chosen.";
    } else {
      const li = document.createElement("li");
      const input = document.createElement("input");
      input.type = "hidden"; input.name = "iso3"; input.value = hit.iso3;
      const button = document.createElement("button");
      button.type = "button"; button.className = "remove";
      button.setAttribute("aria-label", "Remove " + hit.label);
      button.textContent = "\u00d7";
      li.append(input, document.createTextNode(hit.label + " "), button);
      chosen.append(li);
      status.textContent = hit.label + " added.";
    }
    picker.value = "";
    return true;
  };
  picker.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && picker.value.trim()) { event.preventDefault(); add(); }
  });
  picker.addEventListener("input", (event) => {  // a choice from the list, not typing
    if ((!event.inputType || event.inputType === "insertReplacementText") && find(picker.value)) add();
  });
  document.getElementById("cmp-add-button").addEventListener("click", add);
  chosen.addEventListener("click", (event) => {
    const button = event.target.closest("button.remove");
    if (!button) return;
    const li = button.closest("li");
    const label = li.textContent.replace("\u00d7", "").trim();
    const next = li.nextElementSibling || li.previousElementSibling;
    li.remove();
    status.textContent = label + " removed.";
    (next ? next.querySelector("button") : picker).focus();
  });
  picker.form.addEventListener("submit", () => { if (picker.value.trim()) add(); });
}

// Filters on a list page. The list stays complete without JavaScript; with it, each filter the
// page names (div.list-filters, data-name-KEY="label", before the list) whose items
// (data-filter-KEY="value") differ gets a choice, and the list shows only the items that match
// every choice made.
(() => {
  for (const box of document.querySelectorAll(".list-filters")) {
    // The list is what follows: a list's items, or a table's rows.
    const next = box.nextElementSibling;
    const list = next && (next.matches("ul, ol") ? next : next.querySelector("tbody"));
    if (!list) continue;
    const items = [...list.children];
    const status = box.querySelector("[role=status]");
    const fill = (text, values) => text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
    const chosen = {};
    const fieldset = box.querySelector("fieldset");
    for (const [attr, name] of Object.entries(box.dataset)) {
      if (!attr.startsWith("name")) continue;
      // data-name-event-type is dataset.nameEventType: back to event-type.
      const key = attr.slice(4).replace(/[A-Z]/g, (c, i) => (i ? "-" : "") + c.toLowerCase());
      const counts = new Map();
      for (const li of items) {
        const v = li.getAttribute("data-filter-" + key);
        if (v) counts.set(v, (counts.get(v) || 0) + 1);
      }
      if (counts.size < 2) continue;
      const select = document.createElement("select");
      select.id = "list-filter-" + key;
      select.add(new Option(box.dataset.any, ""));
      for (const [value, n] of [...counts].sort((a, b) => b[1] - a[1])) select.add(new Option(`${value} (${n})`, value));
      select.addEventListener("change", () => {
        chosen[key] = select.value;
        apply();
      });
      const label = document.createElement("label");
      label.htmlFor = select.id;
      label.textContent = name;
      const p = document.createElement("p");
      p.append(label, select);
      fieldset.append(p);
    }
    if (!fieldset.querySelector("select")) continue;
    box.hidden = false;

    function apply() {
      let n = 0;
      for (const li of items) {
        const match = Object.entries(chosen).every(([k, v]) => !v || li.getAttribute("data-filter-" + k) === v);
        li.hidden = !match;
        if (match) n += 1;
      }
      const narrowed = Object.values(chosen).some(Boolean);
      status.textContent = narrowed ? fill(box.dataset.shown, { n, total: items.length }) : "";
    }
  }
})();

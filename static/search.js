// Search on /search/, with Pagefind's index of the site (built by `dossier build`, under
// pagefind/, its script named by the page's link#search-bundle). The page's words come from
// its data attributes, in its language; Pagefind keeps one index per language and searches
// the page's own.
(async () => {
  const root = document.getElementById("search");
  if (!root) return;
  const words = root.dataset;
  let pagefind;
  try {
    // (A theme's search page made before the link names the script in data-bundle.)
    const bundle = document.getElementById("search-bundle");
    pagefind = await import(bundle ? bundle.href : words.bundle);
    await pagefind.options({ excerptLength: 24 });
    await pagefind.init();
  } catch (e) {
    // No index (a site built with `search: false`, or opened from the disk): the lists stay.
    return;
  }
  const input = document.getElementById("search-q");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const box = document.getElementById("search-filters");
  const shown = 20;
  const chosen = {};
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));

  // One choice per filter: "any", or one of its values with how many pages have it.
  const filters = await pagefind.filters();
  for (const [name, values] of Object.entries(filters)) {
    const id = "filter-" + box.children.length;
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = name;
    const select = document.createElement("select");
    select.id = id;
    select.add(new Option(words.any, ""));
    for (const [value, n] of Object.entries(values)) select.add(new Option(`${value} (${n})`, value));
    select.addEventListener("change", () => {
      chosen[name] = select.value;
      run();
    });
    const p = document.createElement("p");
    p.append(label, select);
    box.append(p);
  }
  if (!box.querySelector("select")) box.hidden = true;

  function item(data) {
    const li = document.createElement("li");
    const kind = document.createElement("p");
    kind.className = "kind";
    kind.textContent = data.meta.kind || "";
    const link = document.createElement("a");
    link.href = data.url;
    link.textContent = data.meta.title || data.url;
    const title = document.createElement("p");
    title.className = "result-title";
    title.append(link);
    li.append(kind, title);
    if (data.meta.summary) {
      const summary = document.createElement("p");
      summary.className = "summary";
      summary.textContent = data.meta.summary;
      li.append(summary);
    }
    // Pagefind's excerpt is the page's own text, escaped, with the matches in <mark>.
    const excerpt = document.createElement("p");
    excerpt.className = "excerpt";
    excerpt.innerHTML = data.excerpt;
    li.append(excerpt);
    return li;
  }

  let asked = 0;
  async function run() {
    const term = input.value.trim();
    const active = Object.fromEntries(Object.entries(chosen).filter(([, v]) => v));
    const url = new URL(location.href);
    if (term) url.searchParams.set("q", term);
    else url.searchParams.delete("q");
    history.replaceState(null, "", url);
    if (!term && !Object.keys(active).length) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    const mine = ++asked;
    const search = await pagefind.search(term || null, { filters: active });
    // A note one of whose names is the words searched for comes first ("馬斯克" finds Musk's
    // page before the many that name him): Pagefind's order is kept otherwise, among the
    // first results read.
    const read = await Promise.all(search.results.slice(0, 3 * shown).map((r) => r.data()));
    if (mine !== asked) return; // a later search has begun
    const wanted = term.toLowerCase();
    const named = (d) => (d.meta.names || "").toLowerCase().split("|").includes(wanted);
    const found = [...read.filter(named), ...read.filter((d) => !named(d))].slice(0, shown);
    list.replaceChildren(...found.map(item));
    const n = search.results.length;
    let said = n === 0 ? words.noResults : n === 1 ? words.oneResult : fill(words.results, { n });
    if (n > shown) said += " " + fill(words.more, { shown });
    status.textContent = said;
  }

  input.value = new URLSearchParams(location.search).get("q") || "";
  input.addEventListener("input", run);
  input.form.addEventListener("submit", (e) => {
    e.preventDefault();
    run();
  });
  root.hidden = false;
  run();
})();

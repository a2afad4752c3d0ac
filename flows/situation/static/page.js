/* The situation page: a map (Leaflet), a timeline (Vega-Lite) and a table of events, and filters (country, event
   type, dates) that update all three together. The data is inline in #sw-data (gzip + base64 JSON written by
   flows/situation/page.py); nothing is fetched. window.sahelwatch exposes the page's state to tests and
   benchmarks: ready (a promise), settled() (the last update), counts(), timings. */
"use strict";
(() => {
  const TEXT = JSON.parse(document.getElementById("sw-text").textContent);
  const DAY_MS = 86400000;
  const PAGE = 200;  // table rows drawn at a time
  const api = { timings: {} };
  window.sahelwatch = api;

  const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const safeUrl = (url) => (/^https?:\/\//i.test(url || "") ? url : null);

  async function inflate(text) {
    const binary = atob(text.trim());
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return JSON.parse(await new Response(stream).text());
  }

  // ---- words and numbers in the page's language ------------------------------------------------------------
  function formats(lang) {
    const day = new Intl.DateTimeFormat(lang, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
    const time = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
    const num = new Intl.NumberFormat(lang);
    const days = new Map();
    return {
      day: (iso) => {
        if (!iso) return TEXT.no_date;
        if (!days.has(iso)) days.set(iso, day.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`)));
        return days.get(iso);
      },
      time: (iso) => `${time.format(new Date(iso))} UTC`,
      num: (n) => num.format(n),
      collator: new Intl.Collator(lang, { sensitivity: "base", numeric: true }),
    };
  }
  let fmt;

  const actors = (e) => [e.actor1, e.actor2].filter(Boolean).join(` ${TEXT.vs} `);
  const place = (e) => [e.place, e.admin1, e.country].filter(Boolean).join(", ");
  function deathsText(e) {
    const n = fmt.num(e.deaths || 0);
    if (e.low != null && e.high != null && e.low !== e.high) return `${n} (${fmt.num(e.low)}–${fmt.num(e.high)})`;
    if (e.low != null && e.high == null && e.low === e.deaths && e.deaths > 0) return `≥ ${n}`;
    return n;
  }
  function summaryHtml(e) {
    const extra = [e.wounded ? `${fmt.num(e.wounded)} ${TEXT.wounded}` : "",
      e.abducted ? `${fmt.num(e.abducted)} ${TEXT.abducted}` : ""].filter(Boolean).join(", ");
    return `<div class="tip"><strong>${esc(fmt.day(e.date))} · ${esc(e.type_label)}</strong>` +
      `<div class="sub">${esc(e.sub)}</div><div>${esc(place(e))}${e.geo === 1 ? "" : ` <em>(${esc(TEXT.approximate)})</em>`}</div>` +
      `<div>${esc(actors(e))}</div><div>${esc(TEXT.deaths)}: <b>${deathsText(e)}</b>${extra ? ` · ${esc(extra)}` : ""}` +
      ` · ${esc(TEXT.outlets)}: <b>${e.outlets}</b></div></div>`;
  }

  // ---- the map -------------------------------------------------------------------------------------------
  const SAHEL = [[9, -17.5], [24, 24.5]];
  const CORE = new Set(["ML", "BF", "NE", "TD", "MR"]);

  function buildMap(data, colour, onOpen) {
    const map = L.map("map", { preferCanvas: true, zoomSnap: 0.25, zoomDelta: 0.5, minZoom: 3, maxZoom: 12 });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    map.attributionControl.addAttribution("Natural Earth");
    const present = new Set(data.events.map((e) => e.iso2));
    L.geoJSON(data.shapes, {
      interactive: false,
      style: (f) => ({ color: "#a7a294", weight: 0.8, fillOpacity: 1,
        fillColor: present.has(f.properties.iso2) ? "#fbf9f3" : "#ebe8df" }),
      onEachFeature: (f, layer) => {
        if (present.has(f.properties.iso2) || CORE.has(f.properties.iso2)) {
          layer.bindTooltip(esc(f.properties.label), { permanent: true, direction: "center", className: "country-label" });
        }
      },
    }).addTo(map);

    const deaths = data.events.map((e) => e.deaths || 0);
    const radius = vega.scale("sqrt")().domain([0, Math.max(1, ...deaths)]).range([4, 22]).clamp(true);
    const markers = new Map();
    const markerOf = (e) => {
      if (!markers.has(e.id)) {
        const exact = e.geo === 1;
        const m = L.circleMarker([e.lat, e.lon], { radius: radius(e.deaths || 0), fillColor: colour(e.type),
          color: exact ? "#ffffff" : colour(e.type), weight: exact ? 1 : 1.6, opacity: 1,
          fillOpacity: exact ? 0.85 : 0.22, dashArray: exact ? null : "3 2" });
        m.event = e;
        markers.set(e.id, m);
      }
      return markers.get(e.id);
    };
    const group = L.featureGroup().addTo(map);
    group.bindTooltip((layer) => summaryHtml(layer.event), { direction: "top", offset: [0, -4], opacity: 0.96 });
    group.bindPopup((layer) => `${summaryHtml(layer.event)}<button type="button" class="link" data-open="${esc(layer.event.id)}">` +
      `${esc(TEXT.show_in_table)} →</button>`, { maxWidth: 340, minWidth: 250 });
    map.on("popupopen", (ev) => {
      group.closeTooltip();  // the popup says the same, and the hover tooltip would sit on top of it
      const button = ev.popup.getElement().querySelector("button[data-open]");
      if (button) button.addEventListener("click", () => { map.closePopup(); onOpen(button.dataset.open); });
    });
    legend(radius).addTo(map);
    map.fitBounds(SAHEL);
    const note = document.getElementById("map-note");

    function show(events, refit) {
      const placed = events.filter((e) => e.lat != null && e.lon != null)
        .sort((a, b) => (b.deaths || 0) - (a.deaths || 0));  // the largest first, so small markers stay on top
      group.clearLayers();
      for (const e of placed) group.addLayer(markerOf(e));
      if (refit) map.fitBounds(placed.length ? group.getBounds().pad(0.25) : SAHEL, { maxZoom: 7 });
      const missing = events.length - placed.length;
      note.textContent = missing ? `${fmt.num(missing)} ${TEXT.events} ${TEXT.no_coordinates}` : "";
    }
    return { map, group, show };
  }

  function legend(radius) {
    const control = L.control({ position: "bottomleft" });
    control.onAdd = () => {
      const div = L.DomUtil.create("div", "legend");
      const max = radius.domain()[1];
      const sizes = [1, 10, 50].filter((n) => n <= max);
      const circles = sizes.map((n) => `<span class="size"><svg width="${2 * radius(n) + 2}" height="${2 * radius(n) + 2}">` +
        `<circle cx="${radius(n) + 1}" cy="${radius(n) + 1}" r="${radius(n)}"/></svg>${fmt.num(n)}</span>`).join("");
      div.innerHTML = `<div><svg width="14" height="14"><circle class="exact" cx="7" cy="7" r="5"/></svg>${esc(TEXT.exact)}</div>` +
        `<div><svg width="14" height="14"><circle class="approx" cx="7" cy="7" r="5"/></svg>${esc(TEXT.approximate_long)}</div>` +
        `<div class="sizes">${circles}<span class="caption">${esc(TEXT.size_legend)}</span></div>`;
      return div;
    };
    return control;
  }

  // ---- the timeline (two Vega-Lite charts sharing the day axis) -------------------------------------------
  function chartSpec(kind, types, domain) {
    const x = { field: "day", type: "temporal", timeUnit: "utcyearmonthdate", title: TEXT.date,
      scale: { domain: [{ expr: "x0" }, { expr: "x1" }] },
      axis: { title: null, format: "%-d %b", labelOverlap: "greedy", labelSeparation: 8, grid: false, tickMinStep: DAY_MS } };
    const day = { field: "day", type: "temporal", timeUnit: "utcyearmonthdate", title: TEXT.date, format: "%-d %B %Y" };
    const base = { width: "container", height: kind === "events" ? 220 : 130,
      autosize: { type: "fit", contains: "padding" }, data: { name: "events" },
      params: [{ name: "x0", value: domain[0] }, { name: "x1", value: domain[1] }],
      config: { view: { stroke: null }, axis: { labelColor: "#444", domainColor: "#999", tickColor: "#999",
        gridColor: "#eee", labelFontSize: 11 }, font: "system-ui, sans-serif" } };
    if (kind === "events") {
      return { ...base, mark: { type: "bar", clip: true, tooltip: true },
        encoding: { x, y: { aggregate: "count", type: "quantitative", title: TEXT.events, axis: { title: null, tickMinStep: 1, format: "d" } },
          color: { field: "type", type: "nominal", title: TEXT.type, legend: null,
            scale: { domain: types.map((t) => t.label), range: types.map((t) => t.colour) } },
          tooltip: [day, { field: "type", type: "nominal", title: TEXT.type },
            { aggregate: "count", type: "quantitative", title: TEXT.events }] } };
    }
    return { ...base, mark: { type: "bar", clip: true, tooltip: true, color: "#8f2d2d" },
      encoding: { x, y: { aggregate: "sum", field: "deaths", type: "quantitative", title: TEXT.fatalities,
        axis: { title: null, tickMinStep: 1, format: "d" } },
        tooltip: [day, { aggregate: "sum", field: "deaths", type: "quantitative", title: TEXT.fatalities }] } };
  }

  async function buildCharts(data, domain) {
    const locale = data.locale ? { number: data.locale.number, time: data.locale.time } : undefined;
    const make = async (id, kind) => {
      const compiled = vegaLite.compile(chartSpec(kind, data.types, domain)).spec;
      const view = new vega.View(vega.parse(compiled), { renderer: "svg", container: `#${id}`, hover: true, locale });
      await view.runAsync();
      return view;
    };
    const views = [await make("chart-events", "events"), await make("chart-deaths", "deaths")];
    const rows = (events) => events.filter((e) => e.date)
      .map((e) => ({ day: Date.parse(e.date), type: e.type_label, deaths: e.deaths || 0 }));
    return {
      views,
      update: (events, [x0, x1]) => Promise.all(views.map((view) => view
        .change("events", vega.changeset().remove(vega.truthy).insert(rows(events)))
        .signal("x0", x0).signal("x1", x1).runAsync())),
    };
  }

  // ---- the table -------------------------------------------------------------------------------------------
  function buildTable(colour, byId) {
    const tbody = document.querySelector("#events tbody");
    const sort = { key: "date", dir: -1 };
    const keys = { date: (e) => e.date || "", type: (e) => e.type_label, place: (e) => e.place || "",
      admin1: (e) => e.admin1 || "", country: (e) => e.country || "", actors: actors,
      deaths: (e) => e.deaths || 0, outlets: (e) => e.outlets || 0 };
    const compare = (a, b) => (typeof a === "number" ? a - b : fmt.collator.compare(a, b));
    let shown = [];

    const row = (e) => `<tr class="event" data-id="${esc(e.id)}"><td class="date">${esc(fmt.day(e.date))}</td>` +
      `<td><span class="swatch" style="background:${colour(e.type)}"></span>${esc(e.type_label)}<div class="sub">${esc(e.sub)}</div></td>` +
      `<td>${esc(e.place || "—")}${e.place && e.geo !== 1 ? ` <span class="approx" title="${esc(TEXT.approximate)}">≈</span>` : ""}</td>` +
      `<td>${esc(e.admin1)}</td><td>${esc(e.country)}</td><td class="actors">${esc(actors(e))}</td>` +
      `<td class="num">${deathsText(e)}</td><td class="num">${e.outlets}</td>` +
      `<td><button type="button" class="open" aria-expanded="false">${esc(TEXT.details)} (${e.sources.length})</button></td></tr>`;

    const source = (s) => {
      const url = safeUrl(s.url);
      const title = esc(s.title || s.url);
      const meta = [s.outlet, s.published ? fmt.day(s.published) : "", TEXT[`role_${s.role}`] || s.role];
      return `<li>${url ? `<a href="${esc(url)}" target="_blank" rel="noopener noreferrer">${title}</a>` : title}` +
        ` <span class="meta">${esc(meta.filter(Boolean).join(" · "))}</span></li>`;
    };
    const evidence = (v) => `<li><blockquote>${esc(v.sentence)}</blockquote><span class="meta">` +
      `${esc(v.fields.map((f) => TEXT[`field_${f}`] || f).join(", "))}${v.outlet ? ` · ${esc(v.outlet)}` : ""}</span></li>`;
    // the notes are usually the anchor sentence, already among the evidence: shown once
    const summary = (e) => (e.notes && !e.evidence.some((v) => v.sentence.startsWith(e.notes))
      ? `<p class="notes"><b>${esc(TEXT.notes)}</b> ${esc(e.notes)}</p>` : "");
    const details = (e) => `<tr class="details"><td colspan="9"><div class="details-grid">${summary(e)}` +
      `<div><h3>${esc(TEXT.evidence)}</h3><ul class="evidence">${e.evidence.map(evidence).join("")}</ul></div>` +
      `<div><h3>${esc(TEXT.sources)}</h3><ul class="sources">${e.sources.map(source).join("")}</ul>` +
      `<p class="meta">${esc(TEXT.version)} ${e.version} · ${esc(e.id)}</p></div></div></td></tr>`;

    function toggle(tr, open) {
      const next = tr.nextElementSibling;
      const isOpen = Boolean(next && next.classList.contains("details"));
      const want = open ?? !isOpen;
      if (isOpen && !want) next.remove();
      if (!isOpen && want) tr.insertAdjacentHTML("afterend", details(byId.get(tr.dataset.id)));
      tr.classList.toggle("open", want);
      tr.querySelector("button.open").setAttribute("aria-expanded", String(want));
    }
    tbody.addEventListener("click", (ev) => {
      const tr = ev.target.closest("tr.event");
      if (tr && !ev.target.closest("a")) toggle(tr);
    });
    // The table holds the first PAGE rows of the sorted events and grows on demand: laying out thousands of
    // table rows costs the browser more than everything else on the page together.
    const more = document.getElementById("table-more");
    let sorted = [];
    let limit = PAGE;
    function drawRows() {
      tbody.innerHTML = sorted.slice(0, limit).map(row).join("");
      document.getElementById("table-empty").hidden = sorted.length > 0;
      more.hidden = sorted.length <= limit;
      more.querySelector(".shown").textContent = `${fmt.num(Math.min(limit, sorted.length))} ${TEXT.of} ${fmt.num(sorted.length)}`;
    }
    function render(events) {
      shown = events;
      const key = keys[sort.key];
      sorted = [...events].sort((a, b) => compare(key(a), key(b)) * sort.dir || (b.deaths || 0) - (a.deaths || 0));
      limit = PAGE;
      drawRows();
    }
    more.addEventListener("click", (ev) => {
      const button = ev.target.closest("button");
      if (!button) return;
      limit = button.dataset.more === "all" ? sorted.length : limit + PAGE;
      drawRows();
    });
    document.querySelector("#events thead").addEventListener("click", (ev) => {
      const th = ev.target.closest("th[data-key]");
      if (!th) return;
      const numeric = ["date", "deaths", "outlets"].includes(th.dataset.key);
      sort.dir = sort.key === th.dataset.key ? -sort.dir : numeric ? -1 : 1;
      sort.key = th.dataset.key;
      for (const h of document.querySelectorAll("#events th[data-key]")) h.removeAttribute("aria-sort");
      th.setAttribute("aria-sort", sort.dir < 0 ? "descending" : "ascending");
      render(shown);
    });
    function open(id) {
      const index = sorted.findIndex((e) => e.id === id);
      if (index < 0) return;
      if (index >= limit) {
        limit = Math.ceil((index + 1) / PAGE) * PAGE;
        drawRows();
      }
      const tr = tbody.querySelector(`tr.event[data-id="${CSS.escape(id)}"]`);
      toggle(tr, true);
      tr.scrollIntoView({ block: "center" });
      tr.classList.add("flash");
      setTimeout(() => tr.classList.remove("flash"), 1500);
    }
    return { tbody, render, open };
  }

  // ---- filters and the page ------------------------------------------------------------------------------
  function chips(id, items, selected, onChange) {
    const box = document.querySelector(`#${id} .chips`);
    box.innerHTML = items.map((it) => `<button type="button" class="chip" data-value="${esc(it.value)}" aria-pressed="false">` +
      `${it.colour ? `<span class="swatch" style="background:${it.colour}"></span>` : ""}${esc(it.label)}` +
      ` <span class="count">${fmt.num(it.count)}</span></button>`).join("");
    box.addEventListener("click", (ev) => {
      const chip = ev.target.closest("button.chip");
      if (!chip) return;
      const value = chip.dataset.value;
      if (selected.has(value)) selected.delete(value); else selected.add(value);
      chip.setAttribute("aria-pressed", String(selected.has(value)));
      onChange(id === "filter-countries");
    });
    return box;
  }

  function counted(events, key) {
    const counts = new Map();
    for (const e of events) counts.set(key(e), (counts.get(key(e)) || 0) + 1);
    return counts;
  }

  async function main() {
    const t0 = performance.now();
    api.timings.start = t0;  // ms from navigation start to this script: the file read, parsed, libraries compiled
    const data = await inflate(document.getElementById("sw-data").textContent);
    const t1 = performance.now();
    fmt = formats(data.lang);
    const colours = new Map(data.types.map((t) => [t.name, t.colour]));
    const colour = (type) => colours.get(type) || "#79706e";
    const byId = new Map(data.events.map((e) => [e.id, e]));
    const meta = data.meta;
    const state = { countries: new Set(), types: new Set(), from: null, to: null };
    const fromInput = document.getElementById("filter-from");
    const toInput = document.getElementById("filter-to");
    for (const input of [fromInput, toInput]) Object.assign(input, { min: meta.start || "", max: meta.end });
    fromInput.value = meta.start || "";
    toInput.value = meta.end;
    const domain = () => [Date.parse(state.from || meta.start || meta.end), Date.parse(state.to || meta.end) + DAY_MS];
    const matches = (e) => (!state.countries.size || state.countries.has(e.iso2)) &&
      (!state.types.size || state.types.has(e.type)) &&
      (!state.from || (e.date && e.date >= state.from)) && (!state.to || (e.date && e.date <= state.to));

    const table = buildTable(colour, byId);
    const map = buildMap(data, colour, (id) => table.open(id));
    const t2 = performance.now();
    const charts = await buildCharts(data, domain());
    const t3 = performance.now();
    const total = { events: data.events.length, deaths: data.events.reduce((s, e) => s + (e.deaths || 0), 0) };
    let current = data.events;
    let pending = Promise.resolve();

    function stats(events) {
      const deaths = events.reduce((s, e) => s + (e.deaths || 0), 0);
      const part = (n, all) => (n === all ? fmt.num(all) : `${fmt.num(n)} <small>${esc(TEXT.of)} ${fmt.num(all)}</small>`);
      document.getElementById("stat-events").innerHTML = part(events.length, total.events);
      document.getElementById("stat-deaths").innerHTML = part(deaths, total.deaths);
    }
    function update(refit) {
      const marks = [performance.now()];
      current = data.events.filter(matches);
      map.show(current, refit);
      marks.push(performance.now());
      table.render(current);
      marks.push(performance.now());
      stats(current);
      pending = charts.update(current, domain()).then(() => {
        marks.push(performance.now());
        api.timings.lastUpdate = { map: marks[1] - marks[0], table: marks[2] - marks[1], charts: marks[3] - marks[2] };
      });
      return pending;
    }

    const countryCounts = counted(data.events, (e) => e.iso2);
    const typeCounts = counted(data.events, (e) => e.type);
    chips("filter-countries", data.countries.map((c) => ({ value: c.iso2, label: c.name, count: countryCounts.get(c.iso2) })),
      state.countries, update);
    chips("filter-types", data.types.filter((t) => typeCounts.has(t.name))
      .map((t) => ({ value: t.name, label: t.label, colour: t.colour, count: typeCounts.get(t.name) })), state.types, update);
    fromInput.addEventListener("change", () => { state.from = fromInput.value && fromInput.value !== meta.start ? fromInput.value : null; update(false); });
    toInput.addEventListener("change", () => { state.to = toInput.value && toInput.value !== meta.end ? toInput.value : null; update(false); });
    document.getElementById("filter-reset").addEventListener("click", () => {
      state.countries.clear();
      state.types.clear();
      Object.assign(state, { from: null, to: null });
      fromInput.value = meta.start || "";
      toInput.value = meta.end;
      for (const chip of document.querySelectorAll(".chip")) chip.setAttribute("aria-pressed", "false");
      update(true);
    });
    for (const el of document.querySelectorAll("time[datetime]")) {
      if (el.getAttribute("datetime")) el.textContent = el.hasAttribute("data-time") ? fmt.time(el.getAttribute("datetime")) : fmt.day(el.getAttribute("datetime"));
    }

    await update(true);
    const t4 = performance.now();
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));  // a frame painted
    // ms: inflating the data, building the map, the charts, the first update; ready = since navigation start
    api.timings = { ...api.timings, inflate: t1 - t0, map: t2 - t1, charts: t3 - t2, first: t4 - t3,
      ready: performance.now() };
    api.settled = () => pending;
    api.counts = () => ({
      events: current.length,
      deaths: current.reduce((s, e) => s + (e.deaths || 0), 0),
      markers: map.group.getLayers().length,
      markerIds: map.group.getLayers().map((m) => m.event.id),
      rows: table.tbody.querySelectorAll("tr.event").length,
      rowIds: [...table.tbody.querySelectorAll("tr.event")].map((tr) => tr.dataset.id),
      timelineEvents: charts.views[0].data("events").length,
      timelineDeaths: charts.views[1].data("events").reduce((s, r) => s + r.deaths, 0),
    });
    api.markerPoint = (id) => {
      const marker = map.group.getLayers().find((m) => m.event.id === id);
      const point = map.map.latLngToContainerPoint(marker.getLatLng());
      return [point.x, point.y];
    };
    document.body.dataset.ready = "true";
  }

  api.ready = main().catch((err) => {
    const box = document.getElementById("error");
    box.hidden = false;
    box.querySelector("span").textContent = String(err && err.message ? err.message : err);
    console.error(err);
    throw err;
  });
})();

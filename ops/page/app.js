// The live page: an EventSource on /events?i=<instrument>; "book" events carry the ladder,
// "status" events the instrument list, states and latency, "history" the best bid/ask series.
"use strict";

const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
let selected = decodeURIComponent(location.hash.slice(1));
let source = null;
let instruments = [];
const rates = new Map(); // name -> {messages, t, rate}
let hist = { tMs: [], bid: [], ask: [] };
let updates = 0;

function connect() {
  if (source) source.close();
  source = new EventSource(`/events?i=${encodeURIComponent(selected)}`);
  source.onopen = () => ($("conn").textContent = "● live");
  source.onerror = () => ($("conn").textContent = "○ reconnecting");
  source.addEventListener("history", (e) => {
    hist = JSON.parse(e.data);
    drawChart();
  });
  source.addEventListener("book", (e) => onBook(JSON.parse(e.data)));
  source.addEventListener("status", (e) => onStatus(JSON.parse(e.data)));
}

function select(name) {
  if (name === selected) return;
  selected = name;
  location.hash = encodeURIComponent(name);
  hist = { tMs: [], bid: [], ask: [] };
  updates = 0;
  connect();
  renderList();
}

function onBook(b) {
  if (selected !== b.name) {
    selected = b.name; // the server chose the only instrument
    renderList();
  }
  $("pick").hidden = true;
  $("view").hidden = false;
  $("name").textContent = b.name;
  $("update-id").textContent = String(b.updateId);
  updates++;
  $("updates").textContent = String(updates);
  $("updates").dataset.count = String(updates);
  const rows = [];
  for (let i = b.asks.length - 1; i >= 0; i--) rows.push(row("ask", b.asks[i]));
  const spread = b.bids.length && b.asks.length ? Number(b.asks[0][0]) - Number(b.bids[0][0]) : NaN;
  rows.push(
    `<tr class="spread"><td colspan="3">spread ${
      Number.isNaN(spread) ? "–" : spread.toPrecision(6)
    }</td></tr>`,
  );
  for (const lv of b.bids) rows.push(row("bid", lv));
  $("ladder").tBodies[0].innerHTML = rows.join("");
  $("ladder").dataset.seq = String(b.seq);
  $("spread").textContent = Number.isNaN(spread) ? "–" : spread.toPrecision(6);
  const now = Date.now();
  const last = hist.tMs[hist.tMs.length - 1] ?? -Infinity;
  if (now - last >= 1000) {
    hist.tMs.push(now);
    hist.bid.push(b.bids.length ? Number(b.bids[0][0]) : NaN);
    hist.ask.push(b.asks.length ? Number(b.asks[0][0]) : NaN);
    while (hist.tMs.length && hist.tMs[0] < now - 600_000) {
      hist.tMs.shift();
      hist.bid.shift();
      hist.ask.shift();
    }
    drawChart();
  }
}

function row(side, [px, qty]) {
  return `<tr class="${side}" data-price="${px}" data-qty="${qty}"><td>${side}</td><td>${px}</td><td>${qty}</td></tr>`;
}

function onStatus(s) {
  if (s.error) {
    $("summary").textContent = s.error;
    return;
  }
  const now = performance.now();
  for (const i of s.instruments) {
    const r = rates.get(i.name);
    const rate = r && now > r.t ? ((i.messages - r.messages) * 1000) / (now - r.t) : NaN;
    rates.set(i.name, { messages: i.messages, t: now, rate: Number.isNaN(rate) ? (r?.rate ?? NaN) : rate });
  }
  instruments = s.instruments;
  const synced = instruments.filter((i) => i.state === "synchronized").length;
  const q = s.queue;
  $("summary").textContent =
    `${instruments.length} instruments · ${synced} synchronized · log queue ${q.depth}/${q.capacity}, dropped ${q.dropped}`;
  renderList();
  const cur = instruments.find((i) => i.name === selected);
  if (cur) {
    $("state").textContent = cur.state;
    $("state").className = `state s-${cur.state}`;
    const r = rates.get(cur.name)?.rate;
    $("rate").textContent = r === undefined || Number.isNaN(r) ? "–" : r.toFixed(1);
    $("age").textContent = cur.age === null ? "never" : `${cur.age.toFixed(1)} s ago`;
  }
  if (s.latency) drawLatency(s.latency);
}

function renderList() {
  const q = $("search").value.trim().toLowerCase();
  const items = instruments.filter((i) => i.name.toLowerCase().includes(q));
  $("list").innerHTML = items.map((i) => {
    const r = rates.get(i.name)?.rate;
    const rate = r === undefined || Number.isNaN(r) ? "" : `${r.toFixed(0)}/s`;
    const sel = i.name === selected ? " sel" : "";
    return `<li class="item${sel}" data-name="${i.name}"><span class="dot s-${i.state}"></span>` +
      `<span>${i.name}</span><span class="r">${rate}</span></li>`;
  }).join("");
}

function el(name, attrs, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function drawChart() {
  const svg = $("chart");
  svg.replaceChildren();
  const W = 600, H = 180, P = 4;
  const vals = hist.bid.concat(hist.ask).filter((v) => Number.isFinite(v));
  if (hist.tMs.length < 2 || vals.length === 0) {
    svg.append(el("text", { x: 10, y: 20, fill: "#667" }, "collecting…"));
    return;
  }
  const lo = Math.min(...vals), hi = Math.max(...vals);
  const t0 = hist.tMs[0], t1 = hist.tMs[hist.tMs.length - 1];
  const x = (t) => P + ((t - t0) / Math.max(1, t1 - t0)) * (W - 2 * P);
  const y = (v) => H - P - ((v - lo) / Math.max(hi - lo, 1e-12)) * (H - 2 * P - 14);
  for (const [series, color] of [[hist.bid, "#1d7a3a"], [hist.ask, "#b02a1f"]]) {
    const pts = [];
    series.forEach((v, i) =>
      Number.isFinite(v) && pts.push(`${x(hist.tMs[i]).toFixed(1)},${y(v).toFixed(1)}`)
    );
    svg.append(el("polyline", { points: pts.join(" "), fill: "none", stroke: color, "stroke-width": 1.5 }));
  }
  svg.append(el("text", { x: 6, y: 12, fill: "#445", "font-size": 11 }, `${lo} – ${hi}`));
}

function drawLatency(l) {
  const svg = $("latency");
  svg.replaceChildren();
  const W = 600, H = 150, n = l.counts.length, bw = W / n;
  const max = Math.max(1, ...l.counts);
  l.counts.forEach((c, i) => {
    const h = (c / max) * (H - 30);
    svg.append(el("rect", { x: i * bw + 2, y: H - 18 - h, width: bw - 4, height: h, fill: "#4a6fb5" }));
    const b = i < l.boundsS.length ? l.boundsS[i] : Infinity;
    const label = b === Infinity
      ? "+Inf"
      : b < 1e-3
      ? `${+(b * 1e6).toFixed(1)}µs`
      : `${+(b * 1e3).toFixed(1)}ms`;
    svg.append(
      el(
        "text",
        { x: i * bw + bw / 2, y: H - 5, "font-size": 9, "text-anchor": "middle", fill: "#445" },
        label,
      ),
    );
  });
  const mean = l.count ? (l.sumS / l.count) * 1e6 : NaN;
  svg.append(
    el("text", { x: 6, y: 12, "font-size": 11, fill: "#445" }, `n=${l.count} mean=${mean.toFixed(1)}µs`),
  );
}

$("search").addEventListener("input", renderList);
$("list").addEventListener("click", (e) => {
  const li = e.target.closest("li[data-name]");
  if (li) select(li.dataset.name);
});
connect();

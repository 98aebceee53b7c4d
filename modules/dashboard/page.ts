/** The dashboard's one page: plain HTML, a little CSS, and a script that reads `/api/` and listens to `/api/events`. */
export const PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>mgrkit dashboard</title>
<link rel="icon" href="/favicon.ico">
<link rel="stylesheet" href="/static/uPlot.min.css">
<style>
  body { font: 14px system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #222; }
  header { display: flex; gap: 1.5em; align-items: center; padding: .6em 1em; background: #2b3a4a; color: #fff; flex-wrap: wrap; }
  header h1 { font-size: 1.1em; margin: 0; }
  .badge { padding: .15em .6em; border-radius: 3px; font-weight: 600; }
  .HEALTH_OK { background: #2e7d32; color: #fff; } .HEALTH_WARN { background: #f9a825; color: #000; }
  .HEALTH_ERR { background: #c62828; color: #fff; } .HEALTH_UNKNOWN { background: #777; color: #fff; }
  main { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 1em; padding: 1em; }
  section { background: #fff; border-radius: 4px; padding: .6em 1em; box-shadow: 0 1px 2px #0002; overflow: auto; }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size: 1em; margin: .2em 0 .6em; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .2em .5em; border-bottom: 1px solid #eee; white-space: nowrap; }
  th[data-sort] { cursor: pointer; user-select: none; } th.sorted { text-decoration: underline; }
  td.num, th.num { text-align: right; }
  .down { color: #c62828; font-weight: 600; } .out { color: #a66; }
  #time { display: flex; gap: .8em; align-items: center; padding: .5em 1em; background: #dde3ea; }
  #time-slider { flex: 1; }
  #log li { font-family: monospace; font-size: 12px; white-space: pre-wrap; }
  .WRN { color: #9a6700; } .ERR { color: #c62828; }
  .pager { display: flex; gap: .6em; align-items: center; margin: .4em 0; }
  @media (min-width: 900px) { section.span2 { grid-column: span 2; } }
  #log { max-height: 18em; overflow: auto; margin: 0; padding-left: 1.2em; }
  .bar { position: relative; height: 18px; background: #e3e7ec; border-radius: 3px; margin: .5em 0 1.4em; }
  .bar .fill { height: 100%; background: #1565c0; border-radius: 3px 0 0 3px; }
  .bar .fill.near { background: #f9a825; } .bar .fill.full { background: #c62828; }
  .bar i { position: absolute; top: -3px; bottom: -3px; width: 2px; background: #555; }
  .bar i span { position: absolute; top: 100%; transform: translateX(-50%); font: 11px system-ui, sans-serif; font-style: normal; color: #555; white-space: nowrap; }
  dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: .15em 1em; margin: 0; } dl.kv dt { color: #555; } dl.kv dd { margin: 0; }
  #io-chart .u-legend { font-size: 12px; }
</style>
</head>
<body>
<header>
  <h1>mgrkit dashboard</h1>
  <span>Health <span id="health-status" class="badge HEALTH_UNKNOWN">…</span></span>
  <span id="mon-quorum">Monitors: …</span>
  <span id="osd-counts">OSDs: …</span>
  <span id="pg-total">PGs: …</span>
</header>
<div id="time">
  <span>Time</span>
  <input id="time-slider" type="range" min="0" max="0" value="0" step="1">
  <span id="time-label">live</span>
  <button id="live" type="button">Live</button>
</div>
<main>
  <section><h2>Health checks</h2><ul id="health-checks"></ul></section>
  <section><h2>Capacity</h2><div id="capacity-used"></div><div id="capacity-bar" class="bar"></div><dl id="capacity" class="kv"></dl></section>
  <section><h2>Client IO</h2><div id="io-now"></div><div id="io-chart"></div></section>
  <section><h2>PG states</h2><table id="pg-states"><tbody></tbody></table></section>
  <section class="span2"><h2>Cluster log</h2><ul id="log"></ul></section>
  <section class="wide"><h2>Pools</h2><table id="pools"><thead><tr><th>Pool</th><th>Type</th><th class="num">Size</th>
    <th class="num">PGs</th><th class="num">Stored</th><th class="num">Objects</th><th class="num">Used</th>
    <th class="num">Max avail</th><th class="num">Rd/s</th><th class="num">Wr/s</th></tr></thead><tbody></tbody></table></section>
  <section class="wide"><h2>Hosts <small id="host-page"></small></h2><table id="host-table"><thead><tr><th>Host</th>
    <th class="num">OSDs</th><th class="num">Up</th><th class="num">In</th><th class="num">Raw used</th><th class="num">Raw size</th>
    <th class="num">Usage</th><th class="num">Fullest OSD</th><th class="num">PGs</th></tr></thead><tbody></tbody></table></section>
  <section class="wide"><h2>OSDs</h2>
    <div class="pager">
      <button id="osd-first" type="button">&laquo;</button><button id="osd-prev" type="button">&lsaquo; Prev</button>
      <span id="osd-page">…</span>
      <button id="osd-next" type="button">Next &rsaquo;</button><button id="osd-last" type="button">&raquo;</button>
      <label>rows <select id="osd-limit"><option>25</option><option selected>50</option><option>100</option></select></label>
    </div>
    <table id="osd-table"><thead><tr>
      <th data-sort="id" class="num">ID</th><th data-sort="host">Host</th><th data-sort="up">Status</th>
      <th data-sort="in">In</th><th data-sort="crush_weight" class="num">CRUSH weight</th>
      <th data-sort="reweight" class="num">Reweight</th><th data-sort="usage" class="num">Usage</th>
      <th data-sort="pgs" class="num">PGs</th></tr></thead><tbody></tbody></table>
  </section>
</main>
<script src="/static/uPlot.iife.min.js"></script>
<script>
"use strict";
const S = { seq: null, sort: "id", dir: "asc", offset: 0, limit: 50, total: 0, loading: false, again: false, journal: null };
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const bytes = (n) => { const u = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]; let i = 0; while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; } return n.toFixed(i ? 1 : 0) + " " + u[i]; };
const count = (n) => { const u = ["", "k", "M", "G", "T"]; let i = 0; while (Math.abs(n) >= 1000 && i < u.length - 1) { n /= 1000; i++; } return (i ? n.toFixed(1) : String(Math.round(n))) + (i ? " " + u[i] : ""); };
const at = () => (S.seq === null ? "" : "seq=" + S.seq);
const url = (p, q) => { const parts = [q, at()].filter(Boolean).join("&"); return p + (parts ? "?" + parts : ""); };
async function json(p, q) {
  const r = await fetch(url(p, q));
  const body = await r.json();
  if (!r.ok) throw new Error(body.error ? body.error.message : r.statusText);
  return body;
}
const pct = (r) => (r * 100).toFixed(1) + "%";
const two = (n) => String(n).padStart(2, "0");
const clock = (t, secs) => { const d = new Date(t * 1000); return two(d.getHours()) + ":" + two(d.getMinutes()) + (secs ? ":" + two(d.getSeconds()) : ""); };
const stamp = (t) => { const d = new Date(t * 1000); return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()) + " " + clock(t, true); };
/** An axis as wide as its widest label, measured in the chart's own font, so no label is cut at the edge. */
function axisSize(u, values, i, cycle) {
  const axis = u.axes[i];
  if (cycle > 1) return axis._size;
  let size = axis.ticks.size + axis.gap + 4;
  const widest = (values || []).reduce((a, v) => (String(v).length > a.length ? String(v) : a), "");
  if (widest !== "") { u.ctx.font = axis.font[0]; size += u.ctx.measureText(widest).width / (window.devicePixelRatio || 1); }
  return Math.ceil(size);
}
/** One line per time tick (the date is in the legend), seconds only when the ticks need them, a day's date when the span crosses days. */
function timeValues(u, splits) {
  const secs = splits.some((t) => t % 60 !== 0);
  const days = splits.length > 1 && new Date(splits[0] * 1000).toDateString() !== new Date(splits[splits.length - 1] * 1000).toDateString();
  return splits.map((t) => { const d = new Date(t * 1000); return (days ? (d.getMonth() + 1) + "/" + d.getDate() + " " : "") + clock(t, secs); });
}
const chartWidth = () => Math.max(300, $("io-chart").clientWidth || 420);
let chart = null;
function drawIo(samples) {
  const data = [samples.map((s) => s.t / 1000), samples.map((s) => s.read_bytes_sec), samples.map((s) => s.write_bytes_sec),
    samples.map((s) => s.read_op_per_sec), samples.map((s) => s.write_op_per_sec)];
  if (chart === null) {
    chart = new uPlot({ width: chartWidth(), height: 220,
      series: [{ value: (u, t) => (t == null ? "--" : stamp(t)) },
        { label: "read B/s", stroke: "#1565c0", scale: "B", value: (u, v) => (v == null ? "--" : bytes(v) + "/s") },
        { label: "write B/s", stroke: "#c62828", scale: "B", value: (u, v) => (v == null ? "--" : bytes(v) + "/s") },
        { label: "read op/s", stroke: "#64b5f6", scale: "op", dash: [4, 4], value: (u, v) => (v == null ? "--" : count(v)) },
        { label: "write op/s", stroke: "#ef9a9a", scale: "op", dash: [4, 4], value: (u, v) => (v == null ? "--" : count(v)) }],
      axes: [{ space: 70, values: timeValues },
        { scale: "B", values: (u, v) => v.map((x) => bytes(x)), size: axisSize },
        { scale: "op", side: 1, values: (u, v) => v.map((x) => count(x)), size: axisSize, grid: { show: false } }] }, data, $("io-chart"));
    window.addEventListener("resize", () => chart.setSize({ width: chartWidth(), height: 220 }));
  } else chart.setData(data);
}
function capacityBar(c) {
  const used = c.total_bytes > 0 ? c.used_raw_bytes / c.total_bytes : 0;
  const r = c.ratios;
  const cls = r.full !== null && used >= r.full ? "full" : r.nearfull !== null && used >= r.nearfull ? "near" : "";
  const mark = (v, name) => (v === null ? "" : '<i style="left:' + (v * 100).toFixed(2) + '%" title="' + name + " " + pct(v) + '"><span>' + name + "</span></i>");
  return '<div class="fill ' + cls + '" style="width:' + Math.min(100, used * 100).toFixed(2) + '%"></div>' +
    mark(r.nearfull, "nearfull") + mark(r.full, "full");
}
function renderCapacity(c) {
  $("capacity-used").textContent = bytes(c.used_raw_bytes) + " used of " + bytes(c.total_bytes) + " raw (" + pct(c.used_raw_ratio) + "), " + bytes(c.avail_bytes) + " available";
  $("capacity-bar").innerHTML = capacityBar(c);
  const r = c.ratios, o = c.osds;
  const ratio = (v) => (v === null ? "–" : pct(v));
  const osds = (n, name) => '<span class="' + (n > 0 ? (name === "nearfull" ? "WRN" : "ERR") : "") + '">' + n + " " + name + "</span>";
  $("capacity").innerHTML = "<dt>Ratios</dt><dd>nearfull " + ratio(r.nearfull) + " · backfillfull " + ratio(r.backfillfull) + " · full " + ratio(r.full) + "</dd>" +
    "<dt>OSDs</dt><dd>" + osds(o.nearfull, "nearfull") + ", " + osds(o.backfillfull, "backfillfull") + ", " + osds(o.full, "full") + " of " + o.reporting + " reporting</dd>" +
    "<dt>Fullest OSD</dt><dd>" + pct(o.max_usage) + "</dd>";
}
function render(sum, osd, pg, pool, log, io, host) {
  const hs = $("health-status"); hs.textContent = sum.health.status; hs.className = "badge " + sum.health.status;
  const q = sum.mons.quorum;
  $("mon-quorum").textContent = "Monitors: " + sum.mons.names.length + (q ? " (quorum " + q.join(",") + ")" : " (" + sum.mons.names.join(",") + ")");
  $("osd-counts").textContent = "OSDs: " + sum.osds.total + " total, " + sum.osds.up + " up, " + sum.osds.in + " in";
  $("pg-total").textContent = "PGs: " + sum.pgs.total;
  renderCapacity(sum.capacity);
  $("host-page").textContent = host.total === 0 ? "" : host.total > host.rows.length ? "(" + host.rows.length + " of " + host.total + ": OSDs down first, then the fullest)" : "(" + host.total + ")";
  $("host-table").tBodies[0].innerHTML = host.rows.map((h) => "<tr><td>" + esc(h.host || "(no host)") + "</td><td class=num>" + h.osds + "</td><td class='num" + (h.up < h.osds ? " down" : "") + "'>" + h.up +
    "</td><td class=num>" + h.in + "</td><td class=num>" + bytes(h.kb_used * 1024) + "</td><td class=num>" + bytes(h.kb * 1024) + "</td><td class=num>" + pct(h.usage) +
    "</td><td class=num>" + pct(h.max_usage) + "</td><td class=num>" + h.pgs + "</td></tr>").join("");
  $("health-checks").innerHTML = sum.health.checks.length === 0 ? "<li>no checks</li>" :
    sum.health.checks.map((c) => '<li class="' + (c.severity === "HEALTH_ERR" ? "ERR" : "WRN") + '"><b>' + esc(c.code) + "</b> " + esc(c.summary) + "</li>").join("");
  S.journal = sum.journal;
  const sl = $("time-slider");
  if (sum.journal) { sl.min = String(sum.journal.first); sl.max = String(sum.journal.last); sl.disabled = false; if (S.seq === null) sl.value = String(sum.journal.last); }
  else sl.disabled = true;
  $("time-label").textContent = (S.seq === null ? "live" : "past") + (sum.seq !== null ? " · seq " + sum.seq : "") + " · osd map epoch " + sum.osd_map_epoch;
  S.total = osd.total;
  $("osd-page").textContent = osd.total === 0 ? "no OSDs" : (osd.offset + 1) + "–" + (osd.offset + osd.rows.length) + " of " + osd.total;
  for (const th of document.querySelectorAll("#osd-table th")) th.classList.toggle("sorted", th.dataset.sort === osd.sort);
  $("osd-table").dataset.dir = osd.dir;
  $("osd-table").tBodies[0].innerHTML = osd.rows.map((r) => "<tr data-osd=\\"" + r.id + "\\"><td class=num>osd." + r.id + "</td><td>" + esc(r.host) +
    "</td><td" + (r.up ? ">up" : " class=down>down") + "</td><td" + (r.in ? ">in" : " class=out>out") + "</td><td class=num>" + r.crush_weight.toFixed(4) +
    "</td><td class=num>" + r.reweight.toFixed(3) + "</td><td class=num>" + (r.usage * 100).toFixed(1) + "%</td><td class=num>" + r.pgs + "</td></tr>").join("");
  $("pg-states").tBodies[0].innerHTML = pg.by_state.map((s) => "<tr><td>" + esc(s.state) + "</td><td class=num>" + s.count + "</td></tr>").join("");
  $("pools").tBodies[0].innerHTML = pool.pools.map((p) => "<tr><td>" + esc(p.name) + "</td><td>" + p.type + "</td><td class=num>" + p.size + "</td><td class=num>" + p.pg_num +
    "</td><td class=num>" + bytes(p.stored) + "</td><td class=num>" + count(p.objects) + "</td><td class=num>" + (p.percent_used * 100).toFixed(1) + "%</td><td class=num>" + bytes(p.max_avail) + "</td><td class=num>" +
    bytes(p.io.read_bytes_sec) + "</td><td class=num>" + bytes(p.io.write_bytes_sec) + "</td></tr>").join("");
  $("log").innerHTML = log.entries.slice().reverse().map((e) => '<li class="' + esc(e.priority).replace(/[^A-Z]/g, "") + '">' + esc(e.stamp) + " " + esc(e.name) + " " + esc(e.priority) + " " + esc(e.message) + "</li>").join("");
  $("io-now").textContent = "read " + bytes(io.current.read_bytes_sec) + "/s, write " + bytes(io.current.write_bytes_sec) + "/s, " +
    count(io.current.read_op_per_sec) + " rd op/s, " + count(io.current.write_op_per_sec) + " wr op/s";
  drawIo(io.samples);
}
async function load() {
  if (S.loading) { S.again = true; return; }
  S.loading = true;
  try {
    const osdQ = "offset=" + S.offset + "&limit=" + S.limit + "&sort=" + S.sort + "&dir=" + S.dir;
    const r = await Promise.all([json("/api/summary"), json("/api/osd", osdQ), json("/api/pg"), json("/api/pool"), json("/api/log", "num=30"), json("/api/io"), json("/api/host", "limit=10")]);
    render(...r);
    document.body.dataset.seq = String(r[0].seq);
  } catch (e) { $("time-label").textContent = "error: " + e.message; }
  finally { S.loading = false; if (S.again) { S.again = false; load(); } }
}
function page(offset) { S.offset = Math.max(0, Math.min(offset, Math.max(0, S.total - 1) - (Math.max(0, S.total - 1) % S.limit))); load(); }
$("osd-first").onclick = () => page(0);
$("osd-prev").onclick = () => page(S.offset - S.limit);
$("osd-next").onclick = () => { if (S.offset + S.limit < S.total) page(S.offset + S.limit); };
$("osd-last").onclick = () => page(S.total);
$("osd-limit").onchange = (e) => { S.limit = Number(e.target.value); page(0); };
for (const th of document.querySelectorAll("#osd-table th[data-sort]")) th.onclick = () => {
  S.dir = S.sort === th.dataset.sort && S.dir === "asc" ? "desc" : "asc"; S.sort = th.dataset.sort; page(0);
};
$("time-slider").addEventListener("change", (e) => { S.seq = Number(e.target.value); load(); });
$("live").onclick = () => { S.seq = null; load(); };
const events = new EventSource("/api/events");
events.onmessage = () => { if (S.seq === null) load(); };
load();
</script>
</body>
</html>
`;

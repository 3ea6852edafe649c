// streamrec dashboard: renders the state pushed by /events (server-sent events) with uPlot.
"use strict";
const charts = {};
const COLORS = { model: "#2563eb", most_popular: "#ea580c", random: "#6b7280" };

function fmt(x, d = 4) { return x == null || Number.isNaN(x) ? "–" : Number(x).toFixed(d); }
function signed(x, d = 4) { return x == null || Number.isNaN(x) ? "–" : (x >= 0 ? "+" : "") + Number(x).toFixed(d); }
function int(x) { return x == null || Number.isNaN(x) ? "–" : Math.round(x).toLocaleString("en"); }
function clock(ms) { return ms ? new Date(ms).toLocaleTimeString("en-GB") : "–"; }
function esc(s) { return String(s ?? "").replace(/[&<>"]/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c])); }

function chart(id, series, data, scales) {
  const el = document.getElementById(id);
  const width = Math.max(300, el.clientWidth || 600);
  if (!charts[id]) {
    charts[id] = new uPlot({ width, height: 260, series: [{}, ...series], scales: scales || { x: { time: true } },
      axes: [{}, { scale: series[0].scale || "y" }].concat(series.some(s => s.scale === "lag") ? [{ scale: "lag", side: 1, grid: { show: false } }] : []),
      legend: { live: true } }, data, el);
  } else {
    charts[id].setData(data);
  }
}

function renderMetrics(s) {
  // windows scored on fewer events (a superseded version's stragglers) are left off (the server's rule, s.minSamples)
  const ws = s.windows.filter(w => w.samples >= s.minSamples && w.ndcg.model != null);
  const x = ws.map(w => w.time / 1000);
  const scorers = ["model", "most_popular", "random"];
  const series = scorers.map(k => ({ label: k === "model" ? "model" : k.replace("_", "-"), stroke: COLORS[k], width: k === "model" ? 2 : 1.5,
    value: (u, v) => fmt(v) }));
  chart("ndcg-chart", series, [x, ...scorers.map(k => ws.map(w => w.ndcg[k] ?? null))]);
  chart("hr-chart", series, [x, ...scorers.map(k => ws.map(w => w.hitRate[k] ?? null))]);
  document.getElementById("ndcg-title").textContent = `Rolling ${s.metric} per time window, model against baselines on the same events`;
  document.getElementById("hr-title").textContent = `Rolling ${s.metric.replace("ndcg", "hit rate")} per time window`;
  const last = ws[ws.length - 1];
  const summary = document.getElementById("summary");
  if (last) {
    summary.innerHTML = `serving <b>v${last.version}</b> · ${s.metric} <b id="latest-model" data-version="${last.version}" data-time="${last.time}"
      data-value="${last.ndcg.model}">${fmt(last.ndcg.model)}</b> vs most-popular <b id="latest-popular" data-value="${last.ndcg.most_popular}">${fmt(last.ndcg.most_popular)}</b>
      · random ${fmt(last.ndcg.random)} · ${int(last.samples)} events in the window`;
  } else {
    summary.textContent = s.metricPoints ? "waiting for a metric window with enough events" : "no metric points yet (no version served?)";
  }
}

function renderPaired(s) {
  const rows = [];
  for (const v of s.versions) {
    for (const [against, p] of Object.entries(v.paired || {})) {
      const cls = p.low > 0 ? "up" : p.high < 0 ? "down" : "flat";
      const verdict = p.low > 0 ? "better" : p.high < 0 ? "worse" : "no clear difference";
      rows.push(`<tr data-version="${v.version}" data-against="${esc(against)}"><td>v${v.version}</td><td class="l">${esc(against.replace("_", "-"))}</td>
        <td class="${cls}">${signed(p.delta)}</td><td>[${signed(p.low)}, ${signed(p.high)}]</td><td>${int(p.events)}</td><td class="l ${cls}">${verdict}</td></tr>`);
    }
  }
  document.getElementById("paired").innerHTML = "<tr><th>version</th><th class='l'>against</th><th>Δ NDCG</th><th>95% interval</th><th>events</th><th class='l'></th></tr>"
    + (rows.join("") || "<tr><td colspan=6 class='muted l'>none yet: a version is compared once its first time window closes</td></tr>");
}

function renderVersions(s) {
  const t = k => (v) => v.training[k];
  const rows = s.versions.filter(v => v.committedTime > 0).map(v => `<tr class="version" data-version="${v.version}"><td>v${v.version}</td>
    <td class="l">${v.baseVersion ? "delta on v" + v.baseVersion : "full"}</td><td>${clock(v.triggerTime)}</td><td>${fmt(v.liveSeconds, 1)}</td>
    <td>${int(t("edges")(v))}</td><td>${int(t("new_edges")(v))}</td><td>${fmt(t("seconds")(v), 1)}</td>
    <td>${int(t("published_users")(v))} / ${int(t("published_items")(v))}</td><td>${fmt((t("published_bytes")(v) || 0) / 1e6, 2)}</td>
    <td>${fmt(t("loss_new")(v))} / ${fmt(t("loss_replay")(v))}</td></tr>`);
  document.getElementById("versions").innerHTML = "<tr><th>version</th><th class='l'>kind</th><th>trigger</th><th>trigger→live s</th><th>edges</th>"
    + "<th>new edges</th><th>training s</th><th>published users / items</th><th>MB</th><th>loss new / replay</th></tr>" + rows.join("");
}

function renderThroughput(s) {
  const tp = s.throughput;
  const x = tp.map(p => p.time / 1000);
  chart("tp-chart", [{ label: "events/s consumed", stroke: "#2563eb", scale: "y", value: (u, v) => int(v) },
    { label: "lag (events)", stroke: "#c62828", scale: "lag", value: (u, v) => int(v) }],
    [x, tp.map(p => Number.isNaN(p.eventsPerSecond) ? null : p.eventsPerSecond), tp.map(p => p.produced - p.consumed)],
    { x: { time: true }, y: { auto: true }, lag: { auto: true } });
}

function renderModel(s) {
  const m = s.modelServer;
  const keys = [["version", "version published"], ["training_version", "version in training (0: none)"], ["last_training_seconds", "last training s"], ["text_waiting", "texts waiting for the encoder"],
    ["text_per_second", "texts/s"], ["text_encoded_total", "texts encoded"], ["changelog_edges_total", "changelog edges read"],
    ["cuts_coalesced_total", "cuts passed (backlog)"], ["bad_records_total", "bad records"]];
  document.getElementById("model").innerHTML = s.modelServerError ? `<tr><td class="l muted">${esc(s.modelServerError)}</td></tr>`
    : Object.keys(m).length === 0 ? "<tr><td class='l muted'>no model server endpoint given</td></tr>"
    : keys.filter(([k]) => k in m).map(([k, label]) => `<tr><td class="l">${label}</td><td>${k.includes("second") && !k.includes("per") ? fmt(m[k], 1) : int(m[k])}</td></tr>`).join("");
}

function renderDeadLetters(s) {
  const entries = Object.entries(s.deadLetters);
  document.getElementById("dlq").innerHTML = entries.length === 0 ? "<tr><td class='l muted'>none</td></tr>"
    : "<tr><th class='l'>reason</th><th>records</th></tr>" + entries.map(([r, n]) => `<tr><td class="l">${esc(r)}</td><td>${int(n)}</td></tr>`).join("");
  document.getElementById("dlq-recent").innerHTML = s.recentDeadLetters.map(d =>
    `<tr><td class="l">${clock(d.time)}</td><td class="l">${esc(d.reason)}</td><td class="l">${esc(d.topic)}</td><td class="l muted">${esc(d.detail).slice(0, 90)}</td></tr>`).join("");
}

function render(s) {
  renderMetrics(s);
  renderPaired(s);
  renderVersions(s);
  renderThroughput(s);
  renderModel(s);
  renderDeadLetters(s);
  document.getElementById("clock").textContent = `updated ${clock(Date.now())} · ${int(s.metricPoints)} metric points · ${int(s.users)} users with recommendations`;
  window.streamrecState = s;
}

document.getElementById("user-form").addEventListener("submit", async ev => {
  ev.preventDefault();
  const id = document.getElementById("user-id").value.trim();
  const out = document.getElementById("user");
  const r = await fetch("/api/user?id=" + encodeURIComponent(id));
  const u = await r.json();
  out.innerHTML = !r.ok ? `<p class="muted">${esc(u.error)}</p>` : `<p>v${u.version}, ${clock(u.createdTime)} (event ${clock(u.eventTime)})</p><table>
    <tr><th>#</th><th class="l">item</th><th>score</th><th class="l">text</th></tr>${u.items.map((it, i) =>
      `<tr><td>${i + 1}</td><td class="l">${esc(it.item)}</td><td>${fmt(it.score, 3)}</td><td class="l">${esc(it.text ?? "")}</td></tr>`).join("")}</table>`;
});

const source = new EventSource("/events");
source.addEventListener("state", e => render(JSON.parse(e.data)));
source.onerror = () => { document.getElementById("summary").textContent = "connection lost; retrying…"; };

/**
 * The viewer page: an HTML shell and one plain script, served by the viewer itself (no CDN, works
 * offline). Episode list, every camera of the episode in sync (each video seeks to the episode's
 * from_timestamp in its file and stops at to_timestamp), plots of observation.state and action
 * with a cursor that follows the video time (click to seek), keys, verify findings and stats.
 */

export function pageHtml(repoId: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(repoId)} · lerobot-ts view</title>
<style>
body{font:14px system-ui,sans-serif;margin:0;display:flex;height:100vh;color:#222}
nav{width:220px;overflow:auto;border-right:1px solid #ddd;padding:8px;flex:none}
nav a{display:block;padding:3px 6px;color:#222;text-decoration:none;border-radius:4px}
nav a.current{background:#2a6;color:#fff}
main{flex:1;overflow:auto;padding:10px}
#videos{display:flex;flex-wrap:wrap;gap:8px}
#videos figure{margin:0} #videos video{width:320px;background:#000}
canvas{width:100%;height:160px;border:1px solid #ddd;margin-top:6px;cursor:crosshair}
.msg{color:#a00} #panel{font-size:12px} table{border-collapse:collapse} td,th{padding:1px 6px;border-bottom:1px solid #eee;text-align:right}
</style></head>
<body><nav id="episodes"></nav><main>
<h2 id="title"></h2><div id="status"></div>
<div id="videos"></div><div id="messages"></div>
<div id="plots"></div>
<div id="panel"></div>
<p style="color:#888">space: play/pause · ←/→: one frame · ↑/↓: previous/next episode · click a plot to seek</p>
</main><script src="/viewer.js"></script></body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const VIEWER_SCRIPT = String.raw`
"use strict";
const COLORS = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#9a6324"];
const CODEC_TYPES = { h264: 'video/mp4; codecs="avc1.64001f"', av1: 'video/mp4; codecs="av01.0.05M.08"', hevc: 'video/mp4; codecs="hvc1.1.6.L93.B0"', vp9: 'video/mp4; codecs="vp09.00.10.08"' };
const viewer = { episode: -1, length: 0, fps: 30, videos: [], plots: {}, time: 0, playing: false };
window.__viewer = viewer;

async function main() {
  const parts = location.pathname.split("/");
  const episode = Number((parts.pop() || "").replace("episode_", ""));
  const repoPath = parts.join("/");
  const dataset = await (await fetch("/api/dataset.json")).json();
  viewer.fps = dataset.fps;
  const nav = document.getElementById("episodes");
  for (const e of dataset.episodes) {
    const a = document.createElement("a");
    a.href = repoPath + "/episode_" + e.index;
    a.textContent = "episode " + e.index + " · " + e.length + " frames · " + e.durationS.toFixed(1) + " s · " + (e.tasks[0] || "");
    if (e.index === episode) a.className = "current";
    nav.appendChild(a);
  }
  const data = await (await fetch("/api/episode_" + episode + ".json")).json();
  viewer.episode = episode;
  viewer.length = data.length;
  document.getElementById("title").textContent = dataset.repoId + " · episode " + episode + " · " + (data.tasks[0] || "");
  const start = Number(new URLSearchParams(location.search).get("t") || 0);
  setupVideos(data, start);
  setupPlots(data);
  setupKeys(dataset, repoPath);
  showPanel(dataset, episode);
  seek(start);
}

function setupVideos(data, start) {
  const box = document.getElementById("videos");
  const messages = document.getElementById("messages");
  for (const v of data.videos) {
    const fig = document.createElement("figure");
    const video = document.createElement("video");
    video.muted = true; video.preload = "auto"; video.playsInline = true; video.dataset.key = v.key;
    const type = CODEC_TYPES[v.codec];
    if (type && video.canPlayType(type) === "") {
      messages.insertAdjacentHTML("beforeend", '<p class="msg">This browser cannot play ' + v.codec + ' video (' + v.key + ').</p>');
    }
    video.addEventListener("error", () => {
      messages.insertAdjacentHTML("beforeend", '<p class="msg">' + v.key + ": the browser could not play this " + (v.codec || "unknown codec") + " video.</p>");
    });
    video.src = v.url;
    const caption = document.createElement("figcaption");
    caption.textContent = v.key.replace("observation.images.", "");
    fig.append(video, caption);
    box.appendChild(fig);
    viewer.videos.push({ el: video, from: v.fromTimestampS, to: v.toTimestampS });
  }
  const lead = viewer.videos[0];
  if (lead) {
    lead.el.addEventListener("timeupdate", () => {
      if (!viewer.playing) return;
      const t = lead.el.currentTime - lead.from;
      if (lead.el.currentTime >= lead.to - 0.5 / viewer.fps) { pause(); seek(viewer.length / viewer.fps - 1 / viewer.fps); return; }
      viewer.time = t;
      for (const other of viewer.videos.slice(1)) if (Math.abs(other.el.currentTime - (other.from + t)) > 1 / viewer.fps) other.el.currentTime = other.from + t;
      drawCursors();
    });
  }
}

function seek(t) {
  const max = Math.max(0, (viewer.length - 1) / viewer.fps);
  viewer.time = Math.min(Math.max(0, t), max);
  for (const v of viewer.videos) v.el.currentTime = v.from + viewer.time;
  drawCursors();
}

function play() { viewer.playing = true; for (const v of viewer.videos) void v.el.play().catch(() => {}); }
function pause() { viewer.playing = false; for (const v of viewer.videos) v.el.pause(); }

function setupPlots(data) {
  const box = document.getElementById("plots");
  for (const [key, plot] of Object.entries(data.plots)) {
    const title = document.createElement("div");
    title.innerHTML = "<b>" + escapeText(key) + "</b> " + plot.names.map((n, j) => '<span style="color:' + COLORS[j % COLORS.length] + '">' + escapeText(n) + "</span>").join(" ");
    const canvas = document.createElement("canvas");
    canvas.width = 900; canvas.height = 160; canvas.dataset.key = key;
    canvas.addEventListener("click", (event) => {
      const rect = canvas.getBoundingClientRect();
      const frame = Math.round(((event.clientX - rect.left) / rect.width) * (viewer.length - 1));
      seek(frame / viewer.fps);
    });
    box.append(title, canvas);
    viewer.plots[key] = { canvas, plot, points: plot.values[0] ? plot.values[0].length : 0 };
  }
  drawCursors();
}

function drawCursors() {
  for (const { canvas, plot } of Object.values(viewer.plots)) {
    const ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const all = plot.values.flat();
    const lo = Math.min(...all), hi = Math.max(...all), span = hi - lo || 1;
    plot.values.forEach((series, j) => {
      ctx.strokeStyle = COLORS[j % COLORS.length];
      ctx.beginPath();
      series.forEach((v, k) => {
        const x = (k / Math.max(1, series.length - 1)) * canvas.width;
        const y = canvas.height - ((v - lo) / span) * (canvas.height - 10) - 5;
        if (k === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      });
      ctx.stroke();
    });
    const x = ((viewer.time * viewer.fps) / Math.max(1, viewer.length - 1)) * canvas.width;
    ctx.strokeStyle = "#000";
    ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x, canvas.height); ctx.stroke();
  }
}

function setupKeys(dataset, repoPath) {
  document.addEventListener("keydown", (event) => {
    if (event.key === " ") { event.preventDefault(); if (viewer.playing) pause(); else play(); }
    else if (event.key === "ArrowRight") { event.preventDefault(); pause(); seek(Math.round(viewer.time * viewer.fps + 1) / viewer.fps); }
    else if (event.key === "ArrowLeft") { event.preventDefault(); pause(); seek(Math.round(viewer.time * viewer.fps - 1) / viewer.fps); }
    else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const next = viewer.episode + (event.key === "ArrowDown" ? 1 : -1);
      if (next >= 0 && next < dataset.episodes.length) location.href = repoPath + "/episode_" + next;
    }
  });
}

async function showPanel(dataset, episode) {
  const panel = document.getElementById("panel");
  let html = "";
  try {
    const report = await (await fetch("/api/verify.json")).json();
    const mine = report.findings.filter((f) => f.episode === undefined || f.episode === episode);
    html += "<h3>verify: " + report.verdict + " (" + report.summary.errors + " errors, " + report.summary.warnings + " warnings)</h3>";
    html += mine.length ? "<ul>" + mine.map((f) => "<li>" + f.severity + " " + f.check + ": " + escapeText(f.message) + "</li>").join("") + "</ul>" : "<p>no findings for this episode</p>";
  } catch { html += "<p>verify findings unavailable</p>"; }
  if (dataset.stats) {
    html += "<h3>stats</h3><table><tr><th>feature</th><th>min</th><th>max</th><th>mean</th><th>std</th></tr>";
    for (const [key, s] of Object.entries(dataset.stats)) {
      const f = (v) => (Array.isArray(v) ? v.flat(2).map((x) => Number(x).toFixed(2)).join(", ") : "");
      html += "<tr><td>" + escapeText(key) + "</td><td>" + f(s.min) + "</td><td>" + f(s.max) + "</td><td>" + f(s.mean) + "</td><td>" + f(s.std) + "</td></tr>";
    }
    html += "</table>";
  }
  panel.innerHTML = html;
}

function escapeText(text) { return String(text).replace(/[&<>]/g, (c) => "&#" + c.charCodeAt(0) + ";"); }

main().catch((error) => { document.getElementById("status").textContent = "error: " + error.message; });
`;

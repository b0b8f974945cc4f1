/**
 * Shared helpers of the benchmarks: flags, temp folders, statistics, formatting, synthetic camera
 * frames and the summary rows each benchmark hands to bench/run.js.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** `--quick` shrinks every size for a smoke run; other words are benchmark names (run.js). */
export function parseFlags(argv = process.argv.slice(2)) {
  const flags = new Set(argv.filter((a) => a.startsWith("--")));
  const words = argv.filter((a) => !a.startsWith("--"));
  return { quick: flags.has("--quick"), child: flags.has("--child"), words };
}

/** A fresh folder under the OS temp dir; remove it with removeTemp (also done on exit). */
const temps = new Set();
export function makeTemp(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `lerobot-ts-bench-${prefix}-`));
  temps.add(dir);
  return dir;
}
export function removeTemp(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  temps.delete(dir);
}
process.on("exit", () => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  });
}

export function now() {
  return performance.now();
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile, p in [0, 100]. */
export function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank];
}

export function mean(values) {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Least-squares line y = a + b x. */
export function linearFit(xs, ys) {
  const mx = mean(xs);
  const my = mean(ys);
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  const b = den === 0 ? 0 : num / den;
  return { a: my - b * mx, b };
}

export const fmt = {
  ms: (v) => (v >= 10000 ? `${(v / 1000).toFixed(1)} s` : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 2 : 1)} ms`),
  int: (v) => Math.round(v).toLocaleString("en-US"),
  rate: (v, unit = "frames/s") => `${Math.round(v).toLocaleString("en-US")} ${unit}`,
  x: (v) => `${v.toFixed(2)}x`,
  mb: (bytes) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`,
};

/** Print "label ........ value" lines with aligned values. */
export function line(label, value, note = "") {
  console.log(`  ${label.padEnd(58, " ")} ${String(value).padStart(16, " ")}${note ? `  ${note}` : ""}`);
}

export function header(title) {
  console.log(`\n== ${title} ==`);
}

/** A table of string cells with a header row. */
export function printTable(title, head, rows) {
  const all = [head, ...rows].map((r) => r.map((c) => String(c)));
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  const sep = widths.map((w) => "-".repeat(w)).join("-+-");
  console.log(`\n${title}`);
  console.log(all[0].map((c, i) => c.padEnd(widths[i])).join(" | "));
  console.log(sep);
  for (const r of all.slice(1)) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | "));
}

/**
 * Summary rows: [metric, value, target, verdict]. Printed by the benchmark itself and, when
 * BENCH_SUMMARY_FILE is set (bench/run.js does), appended there as JSON lines for the final table.
 */
export function summary(bench, rows) {
  printTable(`Summary: ${bench}`, ["metric", "value", "target", "ok?"], rows.map((r) => [r[0], r[1], r[2] ?? "", r[3] ?? ""]));
  const file = process.env.BENCH_SUMMARY_FILE;
  if (file) for (const r of rows) fs.appendFileSync(file, `${JSON.stringify([bench, ...r])}\n`);
}

/** "yes"/"NO" against a target, or "" when there is none. */
export function verdict(ok) {
  return ok ? "yes" : "NO";
}

/** Wait `ms` milliseconds. */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * `count` distinct RGB frames (height x width x 3) for one camera, cycled by the benchmarks so
 * that generating them costs nothing during the timed loop. Each is a diagonal colour gradient
 * that shifts with the frame, a bright block moving across it, a fixed fine texture (a table
 * top) and a little per-frame noise (sensor noise), so the encoder has real work to do.
 */
export function makeCameraFrames(width, height, count, cameraIndex, { noise: noiseAmp = 3, texture: textureAmp = 24 } = {}) {
  let seed = 0x9e3779b9 ^ (cameraIndex * 7919);
  const rand = () => {
    // xorshift32: deterministic and cheap.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const texture = new Uint8Array(width * height);
  for (let i = 0; i < texture.length; i++) texture[i] = Math.floor(rand() * textureAmp);
  const frames = [];
  const size = Math.floor(Math.min(width, height) / 5);
  for (let f = 0; f < count; f++) {
    const out = new Uint8Array(width * height * 3);
    const shift = f * 3 + cameraIndex * 40;
    const bx = Math.floor(((width - size) * f) / count);
    const by = Math.floor((height - size) / 2 + ((height - size) / 3) * Math.sin((2 * Math.PI * f) / count));
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = y * width + x;
        const i = p * 3;
        const noise = Math.floor(rand() * (2 * noiseAmp + 1)) - noiseAmp;
        if (x >= bx && x < bx + size && y >= by && y < by + size) {
          out[i] = 230 + noise;
          out[i + 1] = 60 + ((x - bx) >> 2) + noise;
          out[i + 2] = 40 + noise;
        } else {
          const t = texture[p];
          out[i] = clamp8(((x + shift) * 200) / width + t + noise);
          out[i + 1] = clamp8(((y + shift / 2) * 180) / height + t + noise + cameraIndex * 30);
          out[i + 2] = clamp8(90 + (((x + y) >> 3) & 31) + t + noise);
        }
      }
    }
    frames.push(out);
  }
  return frames;
}

function clamp8(v) {
  return v < 0 ? 0 : v > 255 ? 255 : v | 0;
}

/** Six joint values of a smooth motion at frame k of episode e (written into `out`). */
export function fillJoints(out, e, k, lag = 0) {
  const t = (k - lag) / 30;
  for (let j = 0; j < 6; j++) out[j] = 40 * Math.sin(0.5 * t * (j + 1) + e * 0.3 + j);
  return out;
}

export const JOINTS = ["shoulder_pan", "shoulder_lift", "elbow_flex", "wrist_flex", "wrist_roll", "gripper"].map((m) => `${m}.pos`);

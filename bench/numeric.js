/**
 * numeric: writing and reading a camera-less dataset of 1,000,000 frames (action and
 * observation.state, float32 x 6 each), and DuckDB reading the same parquet files for comparison.
 *
 *   node bench/numeric.js [--quick]
 *   node bench/numeric.js --cold <ours|duck> <root>    (internal: one read in a fresh process)
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { DatasetWriter, openDataset } from "../dist/index.js";
import {
  JOINTS, fmt, header, line, linearFit, makeTemp, median, now, parseFlags, printTable, removeTemp, summary, verdict,
} from "./common.js";

const { quick } = parseFlags();
const FEATURES = {
  action: { dtype: "float32", shape: [6], names: JOINTS },
  "observation.state": { dtype: "float32", shape: [6], names: JOINTS },
};
const READ_RUNS = 3;
const SMALL_FILE_MB = 1;

const SIZES = quick
  ? { episodeLen: 1000, mainEpisodes: 100, smallEpisodes: 50, longEpisodes: 4, longLen: 25_000 }
  : { episodeLen: 1000, mainEpisodes: 1000, smallEpisodes: 300, longEpisodes: 10, longLen: 100_000 };

/** One episode's worth of joint values (rows x 6), computed before the timed loops. */
function jointTable(length, phase) {
  const out = new Float32Array(length * 6);
  for (let k = 0; k < length; k++) {
    for (let j = 0; j < 6; j++) out[k * 6 + j] = 40 * Math.sin((k / 30) * 0.5 * (j + 1) + phase + j);
  }
  return out;
}

/**
 * create -> addFrame per frame -> saveEpisode every `length` frames -> finalize. Returns the
 * wall times and, per save, how many rows the data file held after it.
 */
async function writeDataset({ root, episodes, length, dataFilesSizeInMb }) {
  const actions = jointTable(length, 0);
  const states = jointTable(length, 0.05);
  const action = new Float32Array(6);
  const state = new Float32Array(6);
  const saves = [];
  let addMs = 0;
  let rowsInFile = 0;
  let lastFile = "";
  const t0 = now();
  const writer = await DatasetWriter.create({
    root, repoId: "bench/numeric", fps: 30, robotType: "so101_follower", features: FEATURES,
    ...(dataFilesSizeInMb === undefined ? {} : { dataFilesSizeInMb }),
  });
  for (let e = 0; e < episodes; e++) {
    const ta = now();
    for (let k = 0; k < length; k++) {
      // Copy into reused arrays, as a robot loop reading its motors would; addFrame copies them.
      for (let j = 0; j < 6; j++) {
        action[j] = actions[k * 6 + j] + e * 0.001;
        state[j] = states[k * 6 + j] + e * 0.001;
      }
      await writer.addFrame({ task: e % 2 ? "Pick the cube" : "Place the cube", action, "observation.state": state });
    }
    const tb = now();
    const saved = await writer.saveEpisode();
    const tc = now();
    addMs += tb - ta;
    rowsInFile = saved.dataFile === lastFile ? rowsInFile + length : length;
    lastFile = saved.dataFile;
    saves.push({ ms: tc - tb, rowsInFile });
  }
  await writer.finalize();
  const totalMs = now() - t0;
  const dataFiles = listFiles(path.join(root, "data"), ".parquet");
  const dataBytes = dataFiles.reduce((n, f) => n + fs.statSync(f).size, 0);
  return { totalMs, addMs, saves, frames: episodes * length, dataFiles: dataFiles.length, dataBytes };
}

function listFiles(dir, ext) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full, ext));
    else if (entry.name.endsWith(ext)) out.push(full);
  }
  return out.sort();
}

const saveMsOf = (r) => r.saves.map((s) => s.ms);
/** Median saveEpisode time of episodes [from, to). */
const medianSave = (r, from, to) => median(saveMsOf(r).slice(from, to));

function printWrite(label, r) {
  const saveMs = saveMsOf(r);
  const saveTotal = saveMs.reduce((a, b) => a + b, 0);
  line(`${label}: total wall time`, fmt.ms(r.totalMs), `${fmt.rate((r.frames / r.totalMs) * 1000)}`);
  line("  addFrame loop only", fmt.ms(r.addMs), `${fmt.rate((r.frames / r.addMs) * 1000)}`);
  line("  saveEpisode, all", fmt.ms(saveTotal), `${((saveTotal / r.totalMs) * 100).toFixed(0)}% of the wall time`);
  const firstSteady = saveMs.length > 2 ? saveMs.slice(1, 4) : saveMs;
  line("  saveEpisode, first (cold) / median of #2-#4", `${fmt.ms(saveMs[0])} / ${fmt.ms(median(firstSteady))}`);
  line("  saveEpisode, median of the last 3 / max", `${fmt.ms(median(saveMs.slice(-3)))} / ${fmt.ms(Math.max(...saveMs))}`,
    `(last save: data file holds ${fmt.int(r.saves.at(-1).rowsInFile)} rows)`);
  line("  data files written", `${r.dataFiles}`, `${fmt.mb(r.dataBytes)} total`);
}

/** Median saveEpisode per tenth of the run, with the rows the data file held. */
function printDeciles(r) {
  const n = r.saves.length;
  const rows = [];
  for (let d = 0; d < 10; d++) {
    const from = Math.floor((d * n) / 10);
    const to = Math.max(from + 1, Math.floor(((d + 1) * n) / 10));
    rows.push([`${from + 1}-${to}`, fmt.int(r.saves[to - 1].rowsInFile), fmt.ms(medianSave(r, from, to))]);
  }
  printTable("  saveEpisode by tenth of the run", ["episodes", "rows in file (end)", "median save"], rows);
}

// ---- reading -------------------------------------------------------------------------------

/**
 * A cheap pass over every value of a flat typed array so nothing read can stay lazily skipped.
 * int64 columns are summed through an Int32 view (low words), which touches the same memory
 * without converting millions of BigInts.
 */
function touch(values) {
  let s = 0;
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    for (let i = 0; i < words.length; i += 2) s += words[i];
  } else {
    for (let i = 0; i < values.length; i++) s += values[i];
  }
  return s;
}

/** Sum of every value of every column of an Arrow table (what readFrames returns). */
function touchTable(table) {
  const sums = {};
  for (const field of table.schema.fields) {
    let s = 0;
    for (const data of table.getChild(field.name).data) {
      const leaf = data.children.length > 0 ? data.children[0] : data;
      const width = data.children.length > 0 ? data.type.listSize : 1;
      s += touch(leaf.values.subarray(0, data.length * width));
    }
    sums[field.name] = s;
  }
  return sums;
}

const DUCK_COLUMNS = ["action", "observation.state", "timestamp", "frame_index", "episode_index", "index", "task_index"];

/**
 * DuckDB materialisation used for the ratio. `connection.run()` returns a fully materialised
 * result (every chunk already decoded in DuckDB's native memory, as runAndReadAll does); each
 * column is then copied, through the vectors' own getters (list entry offsets + child vector
 * items), into one flat typed array per column: Float32Array rows x 6 for the vectors,
 * Float32Array / BigInt64Array for the scalars. That is exactly what readColumn and readFrames
 * hand back (flat typed arrays, Arrow tables over typed arrays), so both sides end with the
 * same columns in the same JS-accessible form. The row-value getters (getColumnsJS,
 * getRowObjects) build one JS array per list value, which lerobot-ts never does; they are timed
 * once, for information only.
 */
async function duckRead(connection, glob, columns) {
  const sql = `SELECT ${columns.map((c) => `"${c}"`).join(", ")} FROM read_parquet('${glob}')`;
  const t0 = now();
  const result = await connection.run(sql);
  const queryMs = now() - t0;
  const n = result.rowCount;
  const out = columns.map((c) => (c === "action" || c === "observation.state" ? new Float32Array(n * 6)
    : c === "timestamp" ? new Float32Array(n) : new BigInt64Array(n)));
  let row = 0;
  for (let ci = 0; ci < result.chunkCount; ci++) {
    const chunk = result.getChunk(ci);
    const m = chunk.rowCount;
    for (let c = 0; c < columns.length; c++) {
      const vector = chunk.getColumnVector(c);
      const target = out[c];
      if (target.length === n * 6) {
        const child = vector.childVector;
        for (let i = 0; i < m; i++) {
          const offset = vector.getEntryOffset(i);
          const len = vector.getEntryLength(i);
          const base = (row + i) * 6;
          for (let j = 0; j < len; j++) target[base + j] = child.getItem(offset + j);
        }
      } else {
        for (let i = 0; i < m; i++) target[row + i] = vector.getItem(i);
      }
    }
    row += m;
  }
  const sums = {};
  columns.forEach((c, i) => { sums[c] = touch(out[i]); });
  return { rows: n, sums, queryMs };
}

async function oursReadAll(root) {
  const ds = await openDataset(root);
  const table = await ds.readFrames();
  return { rows: table.numRows, sums: touchTable(table) };
}

/** Warm-up once, then the median of READ_RUNS timed runs. */
async function timed(fn) {
  await fn();
  const times = [];
  const results = [];
  for (let i = 0; i < READ_RUNS; i++) {
    const t = now();
    results.push(await fn());
    times.push(now() - t);
  }
  return { ms: median(times), all: times, result: results.at(-1), results };
}

/**
 * The first read in a fresh Node process (what a training script opening a dataset pays):
 * module loading excluded, everything from openDataset / DuckDBInstance.create included.
 */
function coldRead(which, root) {
  const script = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [script, "--cold", which, root], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`cold ${which} read failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1));
}

async function coldChild(which, root) {
  const t = now();
  let rows;
  if (which === "ours") {
    rows = (await oursReadAll(root)).rows;
  } else {
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    rows = (await duckRead(connection, `${root}/data/*/*.parquet`, DUCK_COLUMNS)).rows;
    connection.closeSync();
    instance.closeSync();
  }
  console.log(JSON.stringify({ ms: now() - t, rows }));
}

function sameSums(a, b) {
  return Object.keys(a).every((k) => k in b && Math.abs(a[k] - b[k]) <= 1e-6 * Math.max(1, Math.abs(a[k]), Math.abs(b[k])));
}

async function readBench(root, label, connection, { full }) {
  const glob = `${root}/data/*/*.parquet`;
  // Cold first: a fresh process each, before this process has read anything of these files.
  const coldOurs = coldRead("ours", root);
  const coldDuck = coldRead("duck", root);
  const open = await timed(() => openDataset(root));
  const frames = await timed(() => oursReadAll(root));
  const n = frames.result.rows;
  const duck = await timed(() => duckRead(connection, glob, DUCK_COLUMNS));
  if (duck.result.rows !== n || coldOurs.rows !== n || coldDuck.rows !== n) throw new Error(`row counts differ: DuckDB ${duck.result.rows}, lerobot-ts ${n}`);
  const agree = sameSums(frames.result.sums, duck.result.sums);
  const rate = (ms) => fmt.rate((n / ms) * 1000);
  const runs = (t) => `${fmt.rate((n / t.ms) * 1000)}  [${t.all.map((v) => v.toFixed(0)).join(", ")} ms]`;
  header(`read: ${label} (${fmt.int(n)} frames)`);
  console.log("  cold = first read in a fresh process; warm = median of 3 after a warm-up in this process");
  line("cold: lerobot-ts openDataset + readFrames() all columns", fmt.ms(coldOurs.ms), rate(coldOurs.ms));
  line("cold: DuckDB instance + same 7 columns -> typed arrays", fmt.ms(coldDuck.ms), rate(coldDuck.ms));
  line("cold ratio lerobot-ts / DuckDB", fmt.x(coldOurs.ms / coldDuck.ms));
  line("warm: openDataset alone (info, tasks, episodes, stats)", fmt.ms(open.ms));
  line("warm: lerobot-ts openDataset + readFrames() all columns", fmt.ms(frames.ms), runs(frames));
  line("warm: DuckDB same 7 columns -> typed arrays", fmt.ms(duck.ms), runs(duck));
  line("  of which DuckDB's query (native, before the copy to JS)", fmt.ms(median(duck.results.map((r) => r.queryMs))));
  line("warm ratio lerobot-ts / DuckDB (all columns)", fmt.x(frames.ms / duck.ms), "target <= 2x");
  line("values agree (per-column sums)", agree ? "yes" : "NO");
  const out = { n, framesMs: frames.ms, duckMs: duck.ms, agree, coldOursMs: coldOurs.ms, coldDuckMs: coldDuck.ms };
  if (!full) return out;

  const cols = await timed(async () => {
    const ds = await openDataset(root);
    const a = await ds.readColumn("action");
    const s = await ds.readColumn("observation.state");
    return { rows: a.numRows, sums: { action: touch(a.values), "observation.state": touch(s.values) } };
  });
  const duck2 = await timed(() => duckRead(connection, glob, ["action", "observation.state"]));
  line("warm: openDataset + readColumn(action) + readColumn(state)", fmt.ms(cols.ms), runs(cols));
  line("warm: DuckDB action + observation.state -> typed arrays", fmt.ms(duck2.ms), runs(duck2));
  line("warm ratio lerobot-ts / DuckDB (two vector columns)", fmt.x(cols.ms / duck2.ms));
  line("values agree (per-column sums)", sameSums(cols.result.sums, duck2.result.sums) ? "yes" : "NO");

  // For information: DuckDB on one thread (lerobot-ts decodes on one), and DuckDB's row-value getters.
  await connection.run("SET threads = 1");
  const duck1 = await timed(() => duckRead(connection, glob, DUCK_COLUMNS));
  await connection.run("RESET threads");
  line("warm: DuckDB threads=1, 7 columns -> typed arrays (info)", fmt.ms(duck1.ms), `${runs(duck1)}; ratio ${fmt.x(frames.ms / duck1.ms)}`);
  const t = now();
  const reader = await connection.runAndReadAll(`SELECT ${DUCK_COLUMNS.map((c) => `"${c}"`).join(", ")} FROM read_parquet('${glob}')`);
  const js = reader.getColumnsJS();
  const jsMs = now() - t;
  if (js[0].length !== n) throw new Error("getColumnsJS row count mismatch");
  line("DuckDB runAndReadAll + getColumnsJS() (JS values per row, once, info)", fmt.ms(jsMs), rate(jsMs));
  return { ...out, colsMs: cols.ms, duck2Ms: duck2.ms, duck1Ms: duck1.ms, jsMs };
}

// ---- main ----------------------------------------------------------------------------------

async function main() {
  const tmp = makeTemp("numeric");
  const L = SIZES.episodeLen;
  console.log(`numeric benchmark${quick ? " (--quick)" : ""}: action + observation.state float32 x 6, no cameras, 30 fps; temp ${tmp}`);

  header(`write A: ${fmt.int(SIZES.mainEpisodes * L)} frames = ${SIZES.mainEpisodes} episodes x ${fmt.int(L)} frames, default options (data_files_size_in_mb 100)`);
  const rootA = path.join(tmp, "main");
  const a = await writeDataset({ root: rootA, episodes: SIZES.mainEpisodes, length: L });
  printWrite("A", a);
  printDeciles(a);
  const fitA = linearFit(a.saves.slice(1).map((s) => s.rowsInFile), saveMsOf(a).slice(1));
  line("  saveEpisode growth (linear fit over the run)", `${fitA.a.toFixed(1)} ms + ${(fitA.b * 1e6).toFixed(0)} ms per 1M rows in the file`);

  header(`write B: ${SIZES.smallEpisodes} episodes x ${fmt.int(L)} frames, data_files_size_in_mb ${SMALL_FILE_MB} (smaller data files)`);
  const rootB = path.join(tmp, "small-files");
  const b = await writeDataset({ root: rootB, episodes: SIZES.smallEpisodes, length: L, dataFilesSizeInMb: SMALL_FILE_MB });
  printWrite("B", b);
  const tail = Math.max(1, Math.floor(SIZES.smallEpisodes / 10));
  const bTail = medianSave(b, SIZES.smallEpisodes - tail, SIZES.smallEpisodes);
  const aSame = medianSave(a, SIZES.smallEpisodes - tail, SIZES.smallEpisodes);
  line(`  median saveEpisode, episodes ${SIZES.smallEpisodes - tail + 1}-${SIZES.smallEpisodes}: B vs A`, `${fmt.ms(bTail)} vs ${fmt.ms(aSame)}`,
    `(A's file holds ${fmt.int(a.saves[SIZES.smallEpisodes - 1].rowsInFile)} rows there, B's <= ${fmt.int(Math.max(...b.saves.map((s) => s.rowsInFile)))})`);
  removeTemp(rootB);

  header(`write C: ${fmt.int(SIZES.longEpisodes * SIZES.longLen)} frames = ${SIZES.longEpisodes} long episodes x ${fmt.int(SIZES.longLen)} frames, default options`);
  const rootC = path.join(tmp, "long");
  const c = await writeDataset({ root: rootC, episodes: SIZES.longEpisodes, length: SIZES.longLen });
  printWrite("C", c);

  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const ra = await readBench(rootA, `dataset A (${SIZES.mainEpisodes} episodes = row groups, ${a.dataFiles} data file(s))`, connection, { full: true });
  const rc = await readBench(rootC, `dataset C (${SIZES.longEpisodes} episodes = row groups, ${c.dataFiles} data file(s))`, connection, { full: false });
  connection.closeSync();
  instance.closeSync();
  removeTemp(tmp);

  const fps = (frames, ms) => fmt.int((frames / ms) * 1000);
  printTable("numeric results", ["run", "frames", "wall", "frames/s", "note"], [
    ["write A (1000-frame eps, default)", fmt.int(a.frames), fmt.ms(a.totalMs), fps(a.frames, a.totalMs),
      `save ${fmt.ms(median(saveMsOf(a).slice(1, 4)))} -> ${fmt.ms(median(saveMsOf(a).slice(-3)))}`],
    [`write B (${SMALL_FILE_MB} MB data files)`, fmt.int(b.frames), fmt.ms(b.totalMs), fps(b.frames, b.totalMs),
      `save ${fmt.ms(median(saveMsOf(b).slice(1, 4)))} -> ${fmt.ms(median(saveMsOf(b).slice(-3)))}`],
    ["write C (long episodes)", fmt.int(c.frames), fmt.ms(c.totalMs), fps(c.frames, c.totalMs), `last save ${fmt.ms(c.saves.at(-1).ms)}`],
    ["read A readFrames, cold", fmt.int(ra.n), fmt.ms(ra.coldOursMs), fps(ra.n, ra.coldOursMs), "fresh process"],
    ["read A DuckDB, cold", fmt.int(ra.n), fmt.ms(ra.coldDuckMs), fps(ra.n, ra.coldDuckMs), "fresh process"],
    ["read A readFrames, warm", fmt.int(ra.n), fmt.ms(ra.framesMs), fps(ra.n, ra.framesMs), "median of 3"],
    ["read A readColumn x2, warm", fmt.int(ra.n), fmt.ms(ra.colsMs), fps(ra.n, ra.colsMs), ""],
    ["read A DuckDB, warm", fmt.int(ra.n), fmt.ms(ra.duckMs), fps(ra.n, ra.duckMs), `1 thread ${fmt.ms(ra.duck1Ms)}`],
    ["read C readFrames, cold / warm", fmt.int(rc.n), `${fmt.ms(rc.coldOursMs)} / ${fmt.ms(rc.framesMs)}`, fps(rc.n, rc.framesMs), ""],
    ["read C DuckDB, cold / warm", fmt.int(rc.n), `${fmt.ms(rc.coldDuckMs)} / ${fmt.ms(rc.duckMs)}`, fps(rc.n, rc.duckMs), ""],
  ]);
  const ratio = ra.framesMs / ra.duckMs;
  const coldRatio = ra.coldOursMs / ra.coldDuckMs;
  summary("numeric", [
    [`write ${fmt.int(a.frames)} frames (${SIZES.mainEpisodes} x ${fmt.int(L)}, default)`, `${fps(a.frames, a.totalMs)} frames/s`, "", ""],
    ["saveEpisode, first -> last (A)", `${fmt.ms(median(saveMsOf(a).slice(1, 4)))} -> ${fmt.ms(median(saveMsOf(a).slice(-3)))}`, "", ""],
    [`saveEpisode, last (B, ${SMALL_FILE_MB} MB files, ${SIZES.smallEpisodes} eps)`, fmt.ms(median(saveMsOf(b).slice(-3))), "", ""],
    [`write ${fmt.int(c.frames)} frames as ${SIZES.longEpisodes} long episodes (C)`, `${fps(c.frames, c.totalMs)} frames/s`, "", ""],
    ["read all columns (readFrames), warm", `${fps(ra.n, ra.framesMs)} frames/s`, "", ""],
    ["read ratio lerobot-ts / DuckDB, warm", fmt.x(ratio), "<= 2x", verdict(ratio <= 2)],
    ["read ratio lerobot-ts / DuckDB, cold process", fmt.x(coldRatio), "<= 2x", verdict(coldRatio <= 2)],
    ["read ratio lerobot-ts / DuckDB, readColumn x2", fmt.x(ra.colsMs / ra.duck2Ms), "", ""],
    ["values identical to DuckDB's", ra.agree && rc.agree ? "yes" : "NO", "yes", verdict(ra.agree && rc.agree)],
  ]);
}

const argv = process.argv.slice(2);
if (argv[0] === "--cold") await coldChild(argv[1], argv[2]);
else await main();

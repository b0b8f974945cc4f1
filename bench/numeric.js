/**
 * numeric: writing and reading a camera-less dataset of 1,000,000 frames (action and
 * observation.state, float32 x 6 each), and DuckDB reading the same parquet files for comparison.
 *
 *   node bench/numeric.js [--quick]
 */
import fs from "node:fs";
import path from "node:path";
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

const SIZES = quick
  ? { episodeLen: 1000, defaultEpisodes: 20, mainEpisodes: 100, mainFileMb: 1, longEpisodes: 4, longLen: 25_000 }
  : { episodeLen: 1000, defaultEpisodes: 150, mainEpisodes: 1000, mainFileMb: 1, longEpisodes: 10, longLen: 100_000 };

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

function printWrite(label, r) {
  const saveMs = r.saves.map((s) => s.ms);
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
 * same columns in the same JS-accessible form. The row-object getters (getColumnsJS,
 * getRowObjects) build one JS array/object per row, which lerobot-ts never does; they are timed
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

function sameSums(a, b) {
  return Object.keys(a).every((k) => k in b && Math.abs(a[k] - b[k]) <= 1e-6 * Math.max(1, Math.abs(a[k]), Math.abs(b[k])));
}

async function readBench(root, label, connection, { full }) {
  const glob = `${root}/data/*/*.parquet`;
  const open = await timed(() => openDataset(root));
  const frames = await timed(async () => {
    const ds = await openDataset(root);
    const table = await ds.readFrames();
    return { rows: table.numRows, sums: touchTable(table) };
  });
  const n = frames.result.rows;
  const duck = await timed(() => duckRead(connection, glob, DUCK_COLUMNS));
  if (duck.result.rows !== n) throw new Error(`DuckDB read ${duck.result.rows} rows, lerobot-ts ${n}`);
  const agree = sameSums(frames.result.sums, duck.result.sums);
  const rate = (ms) => fmt.rate((n / ms) * 1000);
  const runs = (t) => `${fmt.rate((n / t.ms) * 1000)}  [${t.all.map((v) => v.toFixed(0)).join(", ")} ms]`;
  header(`read: ${label} (${fmt.int(n)} frames, median of ${READ_RUNS} after a warm-up)`);
  line("openDataset (info, tasks, episodes, stats)", fmt.ms(open.ms));
  line("lerobot-ts openDataset + readFrames() all columns", fmt.ms(frames.ms), runs(frames));
  line("DuckDB same 7 columns -> typed arrays", fmt.ms(duck.ms), runs(duck));
  line("  of which DuckDB's query (native, before the copy to JS)", fmt.ms(median(duck.results.map((r) => r.queryMs))));
  line("ratio lerobot-ts / DuckDB (all columns)", fmt.x(frames.ms / duck.ms), "target <= 2x");
  line("values agree (per-column sums)", agree ? "yes" : "NO");
  const out = { n, framesMs: frames.ms, duckMs: duck.ms, agree };
  if (!full) return out;

  const cols = await timed(async () => {
    const ds = await openDataset(root);
    const a = await ds.readColumn("action");
    const s = await ds.readColumn("observation.state");
    return { rows: a.numRows, sums: { action: touch(a.values), "observation.state": touch(s.values) } };
  });
  const duck2 = await timed(() => duckRead(connection, glob, ["action", "observation.state"]));
  line("lerobot-ts openDataset + readColumn(action) + readColumn(state)", fmt.ms(cols.ms), runs(cols));
  line("DuckDB action + observation.state -> typed arrays", fmt.ms(duck2.ms), runs(duck2));
  line("ratio lerobot-ts / DuckDB (two vector columns)", fmt.x(cols.ms / duck2.ms));
  line("values agree (per-column sums)", sameSums(cols.result.sums, duck2.result.sums) ? "yes" : "NO");

  // For information: DuckDB on one thread (lerobot-ts decodes on one), and DuckDB's row-value getters.
  await connection.run("SET threads = 1");
  const duck1 = await timed(() => duckRead(connection, glob, DUCK_COLUMNS));
  await connection.run("RESET threads");
  line("DuckDB, threads=1, 7 columns -> typed arrays (info)", fmt.ms(duck1.ms), `${runs(duck1)}; ratio ${fmt.x(frames.ms / duck1.ms)}`);
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

  header(`write A: default files (data_files_size_in_mb 100), ${SIZES.defaultEpisodes} episodes x ${fmt.int(L)} frames`);
  console.log("  (the writer rewrites the whole current data parquet at each saveEpisode, so a full 1,000 x 1,000 run");
  console.log("   with one 100 MB file grows quadratically; this run measures the growth and projects the full run)");
  const rootA = path.join(tmp, "default");
  const a = await writeDataset({ root: rootA, episodes: SIZES.defaultEpisodes, length: L });
  printWrite("A", a);
  removeTemp(rootA);

  header(`write B: ${fmt.int(SIZES.mainEpisodes * L)} frames = ${SIZES.mainEpisodes} episodes x ${fmt.int(L)} frames, data_files_size_in_mb ${SIZES.mainFileMb}`);
  const rootB = path.join(tmp, "main");
  const b = await writeDataset({ root: rootB, episodes: SIZES.mainEpisodes, length: L, dataFilesSizeInMb: SIZES.mainFileMb });
  printWrite("B", b);
  const tenth = Math.max(1, Math.floor(b.saves.length / 10));
  const firstTenth = median(b.saves.slice(1, tenth + 1).map((s) => s.ms));
  const lastTenth = median(b.saves.slice(-tenth).map((s) => s.ms));
  line("  median saveEpisode, first vs last tenth of the episodes", `${fmt.ms(firstTenth)} -> ${fmt.ms(lastTenth)}`,
    "(data file size is capped; the growth left is meta/episodes, rewritten whole)");

  header(`write C: ${fmt.int(SIZES.longEpisodes * SIZES.longLen)} frames = ${SIZES.longEpisodes} long episodes x ${fmt.int(SIZES.longLen)} frames, default files`);
  const rootC = path.join(tmp, "long");
  const c = await writeDataset({ root: rootC, episodes: SIZES.longEpisodes, length: SIZES.longLen });
  printWrite("C", c);

  // saveEpisode time against the rows the default data file holds after the save, fitted over
  // runs A (1k..150k rows) and C (100k..1M rows), skipping each run's cold first save; then
  // summed over the 1,000 saves of a 1,000 x 1,000 run into one default file.
  header("projection: 1,000 episodes x 1,000 frames into default (100 MB) data files");
  const pts = [...a.saves.slice(1), ...c.saves.slice(1)];
  const fit = linearFit(pts.map((s) => s.rowsInFile), pts.map((s) => s.ms));
  line("saveEpisode time vs rows in the data file (linear fit, A + C)", `${fit.a.toFixed(1)} ms + ${(fit.b * 1e6).toFixed(0)} ms per 1M rows`);
  line("measured: saveEpisode when the file reaches 1M rows (run C)", fmt.ms(c.saves.at(-1).ms));
  const projEpisodes = 1000;
  let projSave = 0;
  for (let e = 1; e <= projEpisodes; e++) projSave += fit.a + fit.b * e * L;
  const projAdd = (a.addMs / a.frames) * projEpisodes * L;
  const projTotal = projSave + projAdd;
  line("projected wall time (addFrame + 1,000 saves)", fmt.ms(projTotal), `${fmt.rate((projEpisodes * L / projTotal) * 1000)} (vs ${fmt.rate((b.frames / b.totalMs) * 1000)} with ${SIZES.mainFileMb} MB files)`);
  line("projected last saveEpisode (file at 1M rows)", fmt.ms(fit.a + fit.b * projEpisodes * L));

  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const rb = await readBench(rootB, `dataset B (${SIZES.mainEpisodes} episodes, ${b.dataFiles} data files)`, connection, { full: true });
  const rc = await readBench(rootC, `dataset C (${SIZES.longEpisodes} episodes, ${c.dataFiles} data file(s))`, connection, { full: false });
  connection.closeSync();
  instance.closeSync();
  removeTemp(tmp);

  const ratio = rb.framesMs / rb.duckMs;
  printTable("numeric results", ["run", "frames", "wall", "frames/s", "note"], [
    ["write A (default 100 MB files)", fmt.int(a.frames), fmt.ms(a.totalMs), fmt.int((a.frames / a.totalMs) * 1000), `last save ${fmt.ms(median(a.saves.slice(-3).map((s) => s.ms)))}`],
    ["write 1000 x 1000 default files (projected)", fmt.int(projEpisodes * L), fmt.ms(projTotal), fmt.int((projEpisodes * L / projTotal) * 1000), "quadratic in file rows"],
    [`write B (${SIZES.mainFileMb} MB files)`, fmt.int(b.frames), fmt.ms(b.totalMs), fmt.int((b.frames / b.totalMs) * 1000), `saves ${fmt.ms(firstTenth)} -> ${fmt.ms(lastTenth)}`],
    ["write C (long episodes)", fmt.int(c.frames), fmt.ms(c.totalMs), fmt.int((c.frames / c.totalMs) * 1000), `last save ${fmt.ms(c.saves.at(-1).ms)}`],
    ["read B readFrames (all)", fmt.int(rb.n), fmt.ms(rb.framesMs), fmt.int((rb.n / rb.framesMs) * 1000), ""],
    ["read B readColumn x2", fmt.int(rb.n), fmt.ms(rb.colsMs), fmt.int((rb.n / rb.colsMs) * 1000), ""],
    ["read B DuckDB (all)", fmt.int(rb.n), fmt.ms(rb.duckMs), fmt.int((rb.n / rb.duckMs) * 1000), `1 thread ${fmt.ms(rb.duck1Ms)}`],
    ["read C readFrames (all)", fmt.int(rc.n), fmt.ms(rc.framesMs), fmt.int((rc.n / rc.framesMs) * 1000), ""],
    ["read C DuckDB (all)", fmt.int(rc.n), fmt.ms(rc.duckMs), fmt.int((rc.n / rc.duckMs) * 1000), ""],
  ]);
  summary("numeric", [
    [`write ${fmt.int(b.frames)} frames (${SIZES.mainEpisodes} eps, ${SIZES.mainFileMb} MB files)`, `${fmt.int((b.frames / b.totalMs) * 1000)} frames/s`],
    [`saveEpisode, default files, file at ${fmt.int(a.saves.at(-1).rowsInFile)} rows (A)`, fmt.ms(median(a.saves.slice(-3).map((s) => s.ms))), "", ""],
    [`saveEpisode, default files, file at ${fmt.int(c.saves.at(-1).rowsInFile)} rows (C)`, fmt.ms(c.saves.at(-1).ms), "", ""],
    ["write 1000 x 1000 into default files (projected)", `${fmt.ms(projTotal)}, ${fmt.int((projEpisodes * L / projTotal) * 1000)} frames/s`, "", ""],
    [`write ${fmt.int(c.frames)} frames as ${SIZES.longEpisodes} long episodes (C)`, `${fmt.int((c.frames / c.totalMs) * 1000)} frames/s`, "", ""],
    ["read all columns (readFrames)", `${fmt.int((rb.n / rb.framesMs) * 1000)} frames/s`],
    ["read ratio lerobot-ts / DuckDB (all columns)", fmt.x(ratio), "<= 2x", verdict(ratio <= 2)],
    ["read ratio lerobot-ts / DuckDB (readColumn x2)", fmt.x(rb.colsMs / rb.duck2Ms), "", ""],
    ["values identical to DuckDB's", rb.agree && rc.agree ? "yes" : "NO", "yes", verdict(rb.agree && rc.agree)],
  ]);
}

await main();

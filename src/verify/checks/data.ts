/**
 * The data files, one at a time (memory stays bounded by the largest file): schema, the global
 * index, each episode's rows where the metadata says, frame_index, timestamps, task_index, NaN /
 * Inf, and the per-episode signals the stats and quality checks use afterwards.
 */
import type { ColumnValues, EpisodeRecord, DatasetInfo } from "../../dataset/index.js";
import { columnValues, isPendingRun, DEFAULT_FEATURES, decodeArrowSchema, readParquet } from "../../dataset/index.js";
import type { VerifyContext } from "../context.js";
import { TOLERANCE_S } from "../context.js";
import type { EpisodeSignals } from "../signals.js";
import { calibrationBounds, findJumps, summarize } from "../signals.js";
import { checkDataSchema } from "./data-schema.js";

export async function checkData(ctx: VerifyContext): Promise<void> {
  const info = ctx.info;
  if (!info || !ctx.episodes) return;
  const byFile = new Map<string, EpisodeRecord[]>();
  for (const episode of ctx.checkedEpisodes) {
    const file = ctx.dataFile(episode.dataChunkIndex, episode.dataFileIndex);
    if (file === undefined) {
      ctx.skipped.set("data", "info.json's data_path cannot be used");
      return;
    }
    const list = byFile.get(file);
    if (list) list.push(episode);
    else byFile.set(file, [episode]);
  }
  let done = 0;
  for (const [file, episodes] of byFile) {
    ctx.progress("data", done++, byFile.size);
    ctx.referenced.add(file);
    await checkDataFile(ctx, info, file, episodes);
  }
  ctx.progress("data", done, byFile.size);
}

/** Columns every row needs for the structural checks. */
const ROW_COLUMNS = ["index", "episode_index", "frame_index", "timestamp", "task_index"];

async function checkDataFile(ctx: VerifyContext, info: DatasetInfo, file: string, episodes: EpisodeRecord[]): Promise<void> {
  const meta = await ctx.parquetMetadata(file, { missing: "data.missing_file", unreadable: "data.unreadable", noFooter: "data.no_footer" }, { episode: episodes[0]!.episodeIndex });
  if (!meta) {
    if (episodes.length > 1) ctx.add("data.missing_file", `episodes ${episodes[0]!.episodeIndex}..${episodes.at(-1)!.episodeIndex} have no readable data`, { file });
    return;
  }
  let schema = decodeArrowSchema(meta.keyValue);
  if (!schema) {
    try {
      schema = (await readParquet(ctx.files.source(file), { limit: 0 })).schema;
    } catch (error) {
      ctx.add("data.unreadable", `${ctx.rel(file)} cannot be read: ${ctx.errorText(error, file)}`, { file });
      return;
    }
  }
  const numeric = checkDataSchema(ctx, file, schema, info);
  const table = await ctx.readTable(file, "data.unreadable", { columns: [...numeric] });
  if (!table) return;

  const columns = new Map<string, ColumnValues>();
  for (const name of numeric) {
    const vector = table.getChild(name)!;
    if (vector.nullCount > 0) ctx.add("data.nulls", `column '${name}' has ${vector.nullCount} null values`, { file, column: name });
    columns.set(name, columnValues(vector, name));
  }
  const rowColumns = Object.fromEntries(ROW_COLUMNS.map((c) => [c, columns.get(c)]));
  if (!rowColumns.index || !rowColumns.episode_index) return; // data.schema said why
  const index = rowColumns.index.values;
  const episodeIndex = rowColumns.episode_index.values;

  // The global index runs on from the first row without a break.
  const firstExpected = episodes[0]!.datasetFromIndex;
  if (table.numRows > 0 && Number(index[0]) !== firstExpected) {
    ctx.add("data.index", `the first row has index ${Number(index[0])}; episode ${episodes[0]!.episodeIndex} starts at ${firstExpected}`, { file, row: 0, column: "index" });
  }
  for (let row = 1; row < table.numRows; row++) {
    if (Number(index[row]) !== Number(index[row - 1]) + 1) {
      ctx.add("data.index", `index goes from ${Number(index[row - 1])} to ${Number(index[row])} at row ${row}`, { file, row, column: "index" });
      break;
    }
  }

  const byIndex = new Map(ctx.episodes!.map((e) => [e.episodeIndex, e]));
  const checked = new Set(episodes.map((e) => e.episodeIndex));
  const totalFrames = ctx.episodes!.reduce((n, e) => n + e.length, 0);
  const seen = new Set<number>();
  for (const run of episodeRuns(episodeIndex, table.numRows)) {
    const record = byIndex.get(run.episode);
    const at = { file, episode: run.episode, row: run.start };
    if (!record || ctx.dataFile(record.dataChunkIndex, record.dataFileIndex) !== file) {
      const pending = { file: ctx.rel(file), episodeIndex: run.episode, firstIndex: Number(index[run.start]), rows: run.end - run.start, atEnd: run.end === table.numRows };
      if (!record && isPendingRun(ctx.pendingSave, pending)) {
        ctx.pendingParts.push(`${pending.rows} rows in ${pending.file}`);
        continue;
      }
      if (Number(index[run.start]) >= totalFrames || !record) {
        ctx.add("data.unreferenced_rows", `rows ${run.start}..${run.end - 1} (episode_index ${run.episode}) belong to no episode in the metadata`, at);
      } else {
        ctx.add("data.episode_rows", `rows of episode ${run.episode} are here, but the metadata puts it in data file chunk ${record.dataChunkIndex} file ${record.dataFileIndex}`, at);
      }
      continue;
    }
    if (seen.has(run.episode)) {
      ctx.add("data.episode_rows", `episode ${run.episode}'s rows are not contiguous: they start again at row ${run.start}`, at);
      continue;
    }
    seen.add(run.episode);
    const rows = run.end - run.start;
    if (rows !== record.length || Number(index[run.start]) !== record.datasetFromIndex) {
      ctx.add("data.episode_rows", `episode ${run.episode} has ${rows} rows from index ${Number(index[run.start])}; the metadata says ${record.length} from ${record.datasetFromIndex}`, at);
    }
    if (checked.has(run.episode)) checkEpisodeRows(ctx, info, file, record, run.start, run.end, columns);
  }
  for (const episode of episodes) {
    if (!seen.has(episode.episodeIndex)) ctx.add("data.episode_rows", `episode ${episode.episodeIndex} has no rows in ${ctx.rel(file)}`, { file, episode: episode.episodeIndex });
  }
}

interface Run { episode: number; start: number; end: number }

/** Maximal runs of equal episode_index values. */
function* episodeRuns(episodeIndex: ColumnValues["values"], numRows: number): Generator<Run> {
  let start = 0;
  for (let row = 1; row <= numRows; row++) {
    if (row === numRows || episodeIndex[row] !== episodeIndex[start]) {
      yield { episode: Number(episodeIndex[start]), start, end: row };
      start = row;
    }
  }
}

function checkEpisodeRows(ctx: VerifyContext, info: DatasetInfo, file: string, record: EpisodeRecord, start: number, end: number, columns: Map<string, ColumnValues>): void {
  const episode = record.episodeIndex;
  const at = (row: number, column: string) => ({ file, episode, row, column });
  const frameIndex = columns.get("frame_index")?.values;
  if (frameIndex) {
    for (let row = start; row < end; row++) {
      if (Number(frameIndex[row]) !== row - start) {
        ctx.add("data.frame_index", `episode ${episode}: frame ${row - start} has frame_index ${Number(frameIndex[row])}`, at(row, "frame_index"));
        break;
      }
    }
  }
  const timestamp = columns.get("timestamp")?.values;
  if (timestamp) checkTimestamps(ctx, info.fps, timestamp, start, end, (row) => at(row, "timestamp"), episode);
  const taskIndex = columns.get("task_index")?.values;
  if (taskIndex) {
    let bad = 0;
    let firstBad = -1;
    for (let row = start; row < end; row++) {
      const t = Number(taskIndex[row]);
      ctx.usedTaskIndices.add(t);
      if (ctx.tasks && (t < 0 || t >= ctx.tasks.length)) {
        bad++;
        if (firstBad < 0) firstBad = row;
      }
    }
    if (bad > 0) {
      ctx.add("data.task_index", `episode ${episode}: ${bad} rows have a task_index meta/tasks.parquet does not have (first: ${Number(taskIndex[firstBad])})`, at(firstBad, "task_index"));
    }
  }

  const signals: EpisodeSignals = { episode, length: end - start, features: new Map() };
  if (ctx.options.deep && timestamp) signals.timestamps = Float64Array.from(timestamp.subarray(start, end) as ArrayLike<number>);
  for (const [key, column] of columns) {
    const feature = info.features[key]!;
    const names = Array.isArray(feature.names) ? (feature.names as string[]) : [];
    if (column.values instanceof Float32Array || column.values instanceof Float64Array) {
      checkFinite(ctx, key, names, column, start, end, (row) => at(row, key), episode);
    }
    const isUserFeature = !(key in DEFAULT_FEATURES);
    const bounds = isUserFeature ? names.map(calibrationBounds) : undefined;
    signals.features.set(key, summarize(column.values, column.dim, start, end, bounds));
    if (isUserFeature && key.startsWith("action") && column.values instanceof Float32Array) {
      for (const jump of findJumps(column.values, column.dim, start, end)) {
        const name = names[jump.dimension] ?? `${jump.dimension}`;
        ctx.add(
          "quality.action_jump",
          `episode ${episode}: ${key} ${name} jumps by ${jump.delta.toFixed(3)} at frame ${jump.frame} (the episode spans ${jump.spread.toFixed(3)}, frame-to-frame changes ${jump.deltaStd.toFixed(3)} std)`,
          at(start + jump.frame, key),
        );
      }
    }
  }
  ctx.signals.set(episode, signals);
}

function checkTimestamps(
  ctx: VerifyContext, fps: number, ts: ColumnValues["values"], start: number, end: number,
  at: (row: number) => { file: string; episode: number; row: number; column: string }, episode: number,
): void {
  const period = 1 / fps;
  let gapReported = false;
  let repeatReported = false;
  let offsetReported = false;
  for (let row = start; row < end; row++) {
    const k = row - start;
    const t = Number(ts[row]);
    if (k > 0) {
      const step = t - Number(ts[row - 1]);
      if (step >= 1.5 * period) {
        if (!gapReported) ctx.add("data.timestamp_gap", `episode ${episode}: ${(step * 1000).toFixed(1)} ms between frames ${k - 1} and ${k} (${Math.round(step * fps) - 1} frame(s) missing at ${fps} fps)`, at(row));
        gapReported = true;
        continue;
      }
      if (step <= 0.5 * period) {
        if (!repeatReported) ctx.add("data.timestamp_repeat", `episode ${episode}: frames ${k - 1} and ${k} are ${(step * 1000).toFixed(1)} ms apart (a repeated frame?)`, at(row));
        repeatReported = true;
        continue;
      }
    }
    // Timestamps are float32: compare with the float32 nearest to k / fps, then allow LeRobot's tolerance.
    const expected = Math.fround(k / fps);
    if (!offsetReported && Math.abs(t - expected) > TOLERANCE_S && !gapReported && !repeatReported) {
      ctx.add("data.timestamp", `episode ${episode}: frame ${k} has timestamp ${t.toFixed(6)} s, expected ${expected.toFixed(6)} s (frame_index / fps)`, at(row));
      offsetReported = true;
    }
  }
}

function checkFinite(
  ctx: VerifyContext, key: string, names: string[], column: ColumnValues, start: number, end: number,
  at: (row: number) => { file: string; episode: number; row: number; column: string }, episode: number,
): void {
  const { values, dim } = column;
  let bad = 0;
  let first = -1;
  for (let i = start * dim; i < end * dim; i++) {
    if (!Number.isFinite(values[i] as number)) {
      if (first < 0) first = i;
      bad++;
    }
  }
  if (bad === 0) return;
  const row = Math.floor(first / dim);
  const name = dim > 1 ? ` (${names[first % dim] ?? `dimension ${first % dim}`})` : "";
  ctx.add("data.non_finite", `episode ${episode}: ${key} has ${bad} NaN/Inf value(s), first at frame ${row - start}${name}: ${values[first]}`, at(row));
}

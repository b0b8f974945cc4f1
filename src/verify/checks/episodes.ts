/** meta/episodes/*.parquet: readable, LeRobot's columns, episodes in order with contiguous index ranges. */
import path from "node:path";
import type { EpisodeRecord } from "../../dataset/index.js";
import { committedEpisodes, parseEpisodesTable, videoKeys } from "../../dataset/index.js";
import type { VerifyContext } from "../context.js";
import { describeKind, shortError } from "../context.js";

const REQUIRED_COLUMNS = ["episode_index", "tasks", "length", "data/chunk_index", "data/file_index", "dataset_from_index", "dataset_to_index"];
const VIDEO_COLUMNS = ["chunk_index", "file_index", "from_timestamp", "to_timestamp"];

export async function checkEpisodes(ctx: VerifyContext): Promise<void> {
  const files = listEpisodesFiles(ctx);
  if (!files) return;
  const records: EpisodeRecord[] = [];
  for (const { file, chunk, fileIndex } of files) {
    ctx.referenced.add(file);
    const meta = await ctx.parquetMetadata(file, { missing: "episodes.missing", unreadable: "episodes.unreadable", noFooter: "episodes.no_footer" });
    if (!meta) continue;
    const table = await ctx.readTable(file, "episodes.unreadable");
    if (!table) continue;
    const names = new Set(table.schema.fields.map((f) => f.name));
    const required = [...REQUIRED_COLUMNS];
    for (const key of ctx.info ? videoKeys(ctx.info.features) : []) required.push(...VIDEO_COLUMNS.map((c) => `videos/${key}/${c}`));
    const missing = required.filter((c) => !names.has(c));
    if (missing.length > 0) {
      ctx.add("episodes.columns", `${ctx.rel(file)} lacks column${missing.length > 1 ? "s" : ""} ${missing.map((c) => `'${c}'`).join(", ")}`, { file });
      continue;
    }
    let rows: EpisodeRecord[];
    try {
      rows = parseEpisodesTable(table);
    } catch (error) {
      ctx.add("episodes.unreadable", `${ctx.rel(file)}: ${shortError(error)}`, { file });
      continue;
    }
    if (names.has("meta/episodes/chunk_index")) {
      for (const r of rows) {
        if (r.metaChunkIndex !== chunk || r.metaFileIndex !== fileIndex) {
          ctx.add("episodes.meta_location", `episode ${r.episodeIndex} says it is in meta/episodes chunk ${r.metaChunkIndex} file ${r.metaFileIndex}, but is in ${ctx.rel(file)}`, { file, episode: r.episodeIndex });
        }
      }
    }
    records.push(...rows);
  }
  const committed = committedEpisodes(records, ctx.pendingSave, ctx.info?.data_path ?? "");
  if (committed.pending) ctx.pendingParts.push(`its row in ${ctx.pendingSave!.episodesFile}`);
  ctx.episodes = committed.episodes;
  checkOrder(ctx, committed.episodes);
}

interface EpisodesFile { file: string; chunk: number; fileIndex: number }

/** The episodes parquet files in chunk then file order, or undefined after reporting their absence. */
function listEpisodesFiles(ctx: VerifyContext): EpisodesFile[] | undefined {
  const dir = path.join(ctx.root, "meta", "episodes");
  const out: EpisodesFile[] = [];
  const kind = ctx.files.kind(dir);
  if (kind !== "directory") {
    ctx.add("episodes.missing", kind === "file" ? "meta/episodes is a file, not a folder" : `meta/episodes ${describeKind(kind)}`, { file: dir });
    return undefined;
  }
  try {
    const names = (folder: string) => ctx.files.list(folder).map((e) => e.name).sort();
    for (const chunk of names(dir).filter((d) => /^chunk-\d+$/.test(d))) {
      const chunkDir = path.join(dir, chunk);
      if (ctx.files.kind(chunkDir) !== "directory") continue;
      for (const name of names(chunkDir).filter((f) => /^file-\d+\.parquet$/.test(f))) {
        out.push({ file: path.join(chunkDir, name), chunk: Number(chunk.slice(6)), fileIndex: Number(name.slice(5, -8)) });
      }
    }
  } catch (error) {
    ctx.add("episodes.missing", `meta/episodes cannot be listed: ${shortError(error)}`, { file: dir });
    return undefined;
  }
  if (out.length === 0) {
    ctx.add("episodes.missing", "meta/episodes holds no chunk-XXX/file-XXX.parquet files", { file: dir });
    return undefined;
  }
  return out;
}

function checkOrder(ctx: VerifyContext, records: EpisodeRecord[]): void {
  let expectedFrom = 0;
  const knownTasks = ctx.tasks ? new Set(ctx.tasks) : undefined;
  records.forEach((r, position) => {
    const at = { episode: r.episodeIndex };
    if (r.episodeIndex !== position) {
      ctx.add("episodes.order", `row ${position} of the episodes metadata is episode ${r.episodeIndex}; expected ${position}`, at);
    }
    if (r.datasetFromIndex !== expectedFrom) {
      const what = position === 0 ? "the first episode must start at 0" : `episode ${records[position - 1]!.episodeIndex} ends at ${expectedFrom}`;
      ctx.add("episodes.contiguous", `episode ${r.episodeIndex} starts at index ${r.datasetFromIndex}; ${what}`, at);
    }
    if (r.length !== r.datasetToIndex - r.datasetFromIndex || r.length <= 0) {
      ctx.add("episodes.length", `episode ${r.episodeIndex} has length ${r.length} but index range ${r.datasetFromIndex}..${r.datasetToIndex}`, at);
    }
    if (r.tasks.length === 0) ctx.add("episodes.tasks", `episode ${r.episodeIndex} names no task`, at);
    for (const task of r.tasks) {
      if (knownTasks && !knownTasks.has(task)) ctx.add("tasks.unknown", `episode ${r.episodeIndex} has task '${task}', which is not in meta/tasks.parquet`, at);
    }
    expectedFrom = r.datasetToIndex;
  });
}

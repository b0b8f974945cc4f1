/**
 * data.unreferenced_rows: rows at the end of a data file that no episode claims, left by a save
 * that appended its row group and died before writing the episode's metadata. They are dropped;
 * the rows before them are kept byte for byte (whole row groups), and only a row group that holds
 * both kinds of rows is re-encoded with its kept rows.
 */
import fs from "node:fs";
import { columnValues, ParquetConcat, keepRowGroups, encodeParquet, readParquet, readParquetMetadata, formatTemplate, resolveInside } from "../../dataset/index.js";
import type { EpisodeRecord } from "../../dataset/index.js";
import { replaceWithBytes } from "./replace.js";
import type { PlanInput, RepairPlan, RepairStep, TrustedMetadata } from "./types.js";
import { emptyPlan, findingsOf, trusted, untrustedReason } from "./types.js";

const CHECK = "data.unreferenced_rows";

export async function planDataTails(input: PlanInput): Promise<RepairPlan> {
  const plan = emptyPlan();
  const files = [...new Set(findingsOf(input.findings, CHECK).map((f) => f.file!))];
  const meta = trusted(input);
  for (const [i, rel] of files.entries()) {
    input.progress("data", i, files.length);
    const step = meta ? await planFile(input.root, rel, meta).catch((error: Error) => `the file cannot be read: ${error.message.split("\n")[0]}`) : untrustedReason(input);
    if (typeof step === "string") plan.refused.push({ check: CHECK, file: rel, why: step });
    else plan.steps.push(step);
  }
  input.progress("data", files.length, files.length);
  return plan;
}

/** The step that drops a file's trailing rows, or why they cannot be dropped safely. */
async function planFile(root: string, rel: string, meta: TrustedMetadata): Promise<RepairStep | string> {
  const file = resolveInside(root, rel);
  const dataFile = (e: EpisodeRecord) => resolveInside(root, formatTemplate(meta.info.data_path, { chunk_index: e.dataChunkIndex, file_index: e.dataFileIndex }));
  const episodes = meta.episodes.filter((e) => dataFile(e) === file).sort((a, b) => a.datasetFromIndex - b.datasetFromIndex);
  if (episodes.length === 0) return "no episode of the metadata is in this file";
  const totalFrames = meta.episodes.reduce((n, e) => n + e.length, 0);
  const keep = episodes.reduce((n, e) => n + e.length, 0);

  const table = await readParquet(file, { columns: ["index", "episode_index"] });
  const index = columnValues(table.getChild("index")!, "index").values;
  const episodeIndex = columnValues(table.getChild("episode_index")!, "episode_index").values;
  const rows = table.numRows;
  if (rows <= keep) return `the file has ${rows} rows and its episodes ${keep}: there are no rows past them to drop`;
  // The episodes' rows must be the file's first rows, as the metadata says...
  let row = 0;
  for (const e of episodes) {
    for (let k = 0; k < e.length; k++, row++) {
      if (Number(index[row]) !== e.datasetFromIndex + k || Number(episodeIndex[row]) !== e.episodeIndex) {
        return `row ${row} is not frame ${k} of episode ${e.episodeIndex}: the rows are not where the metadata says, so which to drop is a guess`;
      }
    }
  }
  // ...and every row after them must lie past the last episode (index and episode_index both).
  const extraEpisodes = new Set<number>();
  for (let r = keep; r < rows; r++) {
    const [i, e] = [Number(index[r]), Number(episodeIndex[r])];
    if (i < totalFrames || e < meta.episodes.length) {
      return `row ${r} (index ${i}, episode_index ${e}) overlaps the dataset's episodes, so it is not a crashed save's leftover`;
    }
    extraEpisodes.add(e);
  }

  const rowGroupRows = (await readParquetMetadata(file)).rowGroupRows;
  let aligned = false;
  for (let end = 0, g = 0; g < rowGroupRows.length && end < keep; g++) aligned = (end += rowGroupRows[g]!) === keep;
  const what = `dropped rows ${keep}..${rows - 1} (${rows - keep} rows of episode_index ${[...extraEpisodes].join(", ")}, ` +
    `index ${Number(index[keep])}..${Number(index[rows - 1])}) that no episode claims; the ${keep} rows before are kept` +
    (aligned ? " byte for byte" : "");
  const lastIndex = Number(index[keep - 1]);
  return {
    check: CHECK, file: rel, what, settles: [CHECK],
    apply: async () => {
      const bytes = await keptBytes(file, rowGroupRows, keep);
      await replaceWithBytes(file, bytes, async (staged) => {
        const check = await readParquet(staged, { columns: ["index"] });
        const written = columnValues(check.getChild("index")!, "index").values;
        if (check.numRows !== keep || Number(written[keep - 1]) !== lastIndex) {
          throw new Error(`the rewritten file has ${check.numRows} rows ending at index ${Number(written[check.numRows - 1])}; expected ${keep} ending at ${lastIndex}`);
        }
      });
    },
  };
}

/** The file's first `keep` rows as a parquet file: whole row groups as they are, a split one re-encoded. */
async function keptBytes(file: string, rowGroupRows: number[], keep: number): Promise<Uint8Array> {
  let whole = 0;
  let groups = 0;
  while (groups < rowGroupRows.length && whole + rowGroupRows[groups]! <= keep) whole += rowGroupRows[groups++]!;
  const bytes = new Uint8Array(await fs.promises.readFile(file));
  const head = groups > 0 ? keepRowGroups(bytes, groups) : undefined;
  if (whole === keep) return head!;
  const keyValue = new Map([...(await readParquetMetadata(file)).keyValue].filter(([k]) => k !== "ARROW:schema"));
  const part = (await readParquet(file, { rowGroups: [groups] })).slice(0, keep - whole);
  const piece = encodeParquet(part, { keyValueMetadata: keyValue });
  if (!head) return piece;
  const concat = new ParquetConcat();
  return Buffer.concat([concat.add(head), concat.add(piece), concat.finish()]);
}

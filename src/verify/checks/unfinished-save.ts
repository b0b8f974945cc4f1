/**
 * A save info.json has not committed, known by its journal (dataset/save-journal.ts): a recording
 * killed while saving, or one saving right now. The other checks look at the dataset info.json
 * commits, leaving out exactly what the journal says the save put past it; this reports the save
 * once, with what it left.
 */
import path from "node:path";
import { pendingSave, writerLockHolder, SAVE_JOURNAL_PATH, parseSaveJournal } from "../../dataset/index.js";
import type { VerifyContext } from "../context.js";

/** Before the tasks and episodes are checked: the journal, if it describes a save info.json has not counted. */
export async function loadUnfinishedSave(ctx: VerifyContext): Promise<void> {
  if (!ctx.info) return;
  const file = path.join(ctx.root, SAVE_JOURNAL_PATH);
  if (ctx.files.kind(file) !== "file") return;
  const text = await ctx.files.readText(file).catch(() => undefined);
  ctx.pendingSave = text === undefined ? undefined : pendingSave(parseSaveJournal(text), ctx.info);
}

export function reportUnfinishedSave(ctx: VerifyContext): void {
  const save = ctx.pendingSave;
  if (!save) return;
  const file = path.join(ctx.root, SAVE_JOURNAL_PATH);
  const committed = `verify checked the ${save.episodeIndex} episode${save.episodeIndex === 1 ? "" : "s"} meta/info.json counts`;
  // In progress only if the process that wrote the journal holds the writer lock (repair, say, may hold it meanwhile).
  const writer = ctx.files.traffic() ? undefined : writerLockHolder(ctx.root);
  if (writer === save.pid) {
    ctx.add("dataset.unfinished_save", `episode ${save.episodeIndex} is being saved by a recording in progress (pid ${writer}); ${committed}`, { file, episode: save.episodeIndex });
    return;
  }
  const parts = ctx.pendingParts;
  const left = parts.length === 0 ? "" : `, leaving ${parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}` : parts[0]}`;
  ctx.add("dataset.unfinished_save", `the save of episode ${save.episodeIndex} (${save.length} frames) was interrupted before meta/info.json counted it${left}; ${committed}`, { file, episode: save.episodeIndex });
}

/**
 * The save journal, `.lerobot-ts/save.json`: what one saveEpisode is about to switch, written
 * (synced, renamed into place) before its first switch and removed after info.json, the commit
 * point. While a save is unfinished the files may hold its episode past what info.json counts
 * (a task, data rows, an episode row, stats.json); the journal says exactly what, so readers can
 * tell those from damage and leave them out (committed-view.ts), and resume or repair can take
 * them away (resume-trim.ts). Once info.json counts the episode the journal is inert.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { stageFileAtomic } from "./atomic.js";
import type { SaveStep } from "./save-transaction.js";

export const SAVE_JOURNAL_PATH = ".lerobot-ts/save.json";

const journalSchema = z.object({
  /** The episode being saved: info.json's total_episodes when the save started. */
  episodeIndex: z.number().int().nonnegative(),
  /** Its first global index (info.json's total_frames when the save started) and its length. */
  fromIndex: z.number().int().nonnegative(),
  length: z.number().int().positive(),
  /** info.json's total_tasks when the save started, and the tasks the save appends after them. */
  totalTasks: z.number().int().nonnegative(),
  newTasks: z.array(z.string()),
  /** Where the episode's rows and its metadata row go (relative to the dataset, forward slashes). */
  dataFile: z.string(),
  episodesFile: z.string(),
  /** meta/stats.json as it was before the save (null: there was none), and the sha256 of the one it writes. */
  committedStats: z.string().nullable(),
  savedStatsSha256: z.string(),
  /** The saving process. */
  pid: z.number().int(),
});

export type SaveJournal = z.infer<typeof journalSchema>;

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The journal staged beside its name; the step's commit renames it into place (the save's first switch). */
export async function stageSaveJournal(root: string, journal: SaveJournal): Promise<SaveStep> {
  const file = path.join(root, SAVE_JOURNAL_PATH);
  const staged = await stageFileAtomic(file, `${JSON.stringify(journal, null, 2)}\n`);
  return {
    commit: () => staged.commit(),
    undo: async () => {
      if (staged.committed) await removeSaveJournal(root);
      else await staged.abort();
    },
  };
}

export async function removeSaveJournal(root: string): Promise<void> {
  await fs.promises.rm(path.join(root, SAVE_JOURNAL_PATH), { force: true });
}

/** The journal's content, or undefined when there is none or it cannot be used (a journal that explains nothing hides nothing). */
export function parseSaveJournal(text: string): SaveJournal | undefined {
  try {
    const parsed = journalSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function readSaveJournal(root: string): Promise<SaveJournal | undefined> {
  const text = await fs.promises.readFile(path.join(root, SAVE_JOURNAL_PATH), "utf8").catch(() => undefined);
  return text === undefined ? undefined : parseSaveJournal(text);
}

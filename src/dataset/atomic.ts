/**
 * Files are written beside their final name and renamed into place, so a crash never leaves a
 * half-written file where a reader looks (docs/ARCHITECTURE.md, crash safety).
 */
import fs from "node:fs";
import path from "node:path";

/** Temp name in the same folder (same filesystem, so rename is atomic). */
export function stagingPath(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.staged`);
}

/** A file written and synced under its staging name; commit() renames it into place. */
export interface StagedFile {
  commit(): Promise<void>;
  /** Remove the staged file if it was not renamed. */
  abort(): Promise<void>;
  readonly committed: boolean;
}

export async function stageFileAtomic(target: string, data: Uint8Array | string): Promise<StagedFile> {
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  const staged = stagingPath(target);
  const handle = await fs.promises.open(staged, "w");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  let committed = false;
  return {
    commit: async () => {
      await fs.promises.rename(staged, target);
      committed = true;
    },
    abort: async () => { if (!committed) await fs.promises.rm(staged, { force: true }); },
    get committed() { return committed; },
  };
}

export async function writeFileAtomic(target: string, data: Uint8Array | string): Promise<void> {
  await (await stageFileAtomic(target, data)).commit();
}

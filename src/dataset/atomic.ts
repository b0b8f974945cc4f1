/**
 * Files are written beside their final name and renamed into place, so a crash never leaves a
 * half-written file where a reader looks (ARCHITECTURE.md, crash safety).
 */
import fs from "node:fs";
import path from "node:path";

/** Temp name in the same folder (same filesystem, so rename is atomic). */
export function stagingPath(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.staged`);
}

export async function writeFileAtomic(target: string, data: Uint8Array | string): Promise<void> {
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  const staged = stagingPath(target);
  const handle = await fs.promises.open(staged, "w");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(staged, target);
}

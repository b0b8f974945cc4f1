/**
 * Replacing a dataset file crash-safely: the new content is built beside it under a staging
 * name, synced, checked, and only then renamed over the original. A crash before the rename
 * leaves the original untouched (plus a staged file, which verify reports as unreferenced).
 */
import fs from "node:fs";
import { stagingPath } from "../../dataset/index.js";

export async function replaceFile(
  target: string,
  build: (staged: string) => Promise<void>,
  check: (staged: string) => Promise<void> = async () => {},
): Promise<void> {
  const staged = stagingPath(target);
  try {
    await build(staged);
    const handle = await fs.promises.open(staged, "r+");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await check(staged);
    await fs.promises.rename(staged, target);
  } catch (error) {
    await fs.promises.rm(staged, { force: true });
    throw error;
  }
}

/** Replace `target` with `bytes` (checked by `check` before the rename). */
export function replaceWithBytes(target: string, bytes: Uint8Array, check?: (staged: string) => Promise<void>): Promise<void> {
  return replaceFile(target, (staged) => fs.promises.writeFile(staged, bytes), check);
}

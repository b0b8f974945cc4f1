/**
 * One writer per dataset folder: `.lerobot-ts/lock` holds the writing process's pid. A lock
 * whose process is gone (a crashed or killed recording) is taken over.
 */
import fs from "node:fs";
import path from "node:path";
import { DatasetError } from "../errors.js";

export const LOCK_PATH = ".lerobot-ts/lock";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pid of a live process holding the dataset's writer lock (a recording in progress), if any. */
export function writerLockHolder(root: string): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(root, LOCK_PATH), "utf8");
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
}

export async function acquireWriterLock(root: string): Promise<void> {
  const file = path.join(root, LOCK_PATH);
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.promises.writeFile(file, `${process.pid}\n`, { flag: "wx" });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const pid = Number((await fs.promises.readFile(file, "utf8").catch(() => "")).trim());
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
      throw new DatasetError(`another writer (pid ${pid}${pid === process.pid ? ", this process" : ""}) is writing ${root}; finalize it first`, { file });
    }
    await fs.promises.rm(file, { force: true }); // stale: its process is gone
  }
  throw new DatasetError(`could not take the writer lock ${file}`, { file });
}

export async function releaseWriterLock(root: string): Promise<void> {
  await fs.promises.rm(path.join(root, LOCK_PATH), { force: true });
}

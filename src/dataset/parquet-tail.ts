/**
 * Rewrite the end of a parquet file in place, in time proportional to the new bytes (a new row
 * group and the footer), never copying the file.
 *
 * A parquet reader finds the footer through the file's last 8 bytes, so the file is valid
 * whenever it ends with a complete footer. The three steps keep it so at every moment a
 * process can be killed (between system calls):
 *   1. write `rescue` past everything step 2 will write: a footer for the CURRENT rows (and a
 *      copy of the bytes step 2 overwrites, when it replaces a row group). The file now ends
 *      with that footer, and the old footer and the bytes after `from` are dead.
 *   2. write the new tail at `from`: below the rescue, into bytes no live footer refers to.
 *   3. truncate the file after the new tail: its footer is now the file's end. This one system
 *      call is the switch from the old rows to the new ones.
 * A kill before 3 leaves the old rows (plus dead bytes that 3 or a later plan cuts off); after 3,
 * the new ones. The file never grows dead space: each plan ends at its own footer.
 *
 * One caveat outside this model: Linux can cut a write(2) spanning several pages short when a
 * SIGKILL arrives mid-call. Only step 1 extends the file, so such a cut leaves the old footer
 * intact followed by part of the rescue (the file would need cutting back to its old size; no
 * tool does that yet).
 */
import fs from "node:fs";
import type { ParquetAppender, ParquetTailPlan } from "./parquet-append.js";

/** A plan written below the file's end, waiting for its switch. */
export interface StagedParquetTail {
  /** The file's size once switched. */
  size: number;
  next: ParquetAppender;
  /** Step 3: one truncate(2). */
  commit(): Promise<void>;
  /** Put the file back as it was, before or after commit() (a save that failed later). */
  abort(): Promise<void>;
}

/** Steps 1 and 2 of `plan` on `file` (whose current content the plan's appender describes). */
export async function stageParquetTail(file: string, plan: ParquetTailPlan, previous: ParquetAppender): Promise<StagedParquetTail> {
  const handle = await fs.promises.open(file, "r+");
  const end = plan.from + plan.tail.length;
  let size = 0;
  // The bytes the tail overwrites, kept to undo the plan: the column data it moves, read from the
  // file, and the footer, which the appender holds (reading it back would cost O(row groups)).
  let original: Uint8Array = new Uint8Array(0);
  try {
    size = (await handle.stat()).size;
    if (size !== previous.fileSize) throw new Error(`${file} is ${size} bytes, not the ${previous.fileSize} its appender wrote: it changed under the writer`);
    const moved = Buffer.alloc(plan.movedEnd - plan.from);
    await readFully(handle, moved, plan.from);
    original = Buffer.concat([moved, previous.trailer]);
    const at = Math.max(size, end);
    await writeFully(handle, plan.rescue(at, moved), at);
    await writeFully(handle, plan.tail, plan.from);
    // On a power cut, the truncate must not reach the disk before the tail it exposes.
    await handle.sync();
  } finally {
    await handle.close();
  }
  let committed = false;
  return {
    size: end,
    next: plan.next,
    commit: async () => {
      await fs.promises.truncate(file, end);
      committed = true;
    },
    abort: async () => {
      if (committed) {
        await writeParquetTail(file, plan.next.planRestore(plan.from, original, previous), plan.next);
        return;
      }
      // The rescue at the end still holds the old rows: put their bytes back below it, then cut it off.
      const h = await fs.promises.open(file, "r+");
      try {
        await writeFully(h, original, plan.from);
        await h.sync();
      } finally {
        await h.close();
      }
      await fs.promises.truncate(file, size);
    },
  };
}

/** All three steps. */
export async function writeParquetTail(file: string, plan: ParquetTailPlan, previous: ParquetAppender): Promise<{ size: number; next: ParquetAppender }> {
  const staged = await stageParquetTail(file, plan, previous);
  await staged.commit();
  return staged;
}

async function writeFully(handle: fs.promises.FileHandle, bytes: Uint8Array, at: number): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, at + done);
    if (bytesWritten === 0) throw new Error("write made no progress");
    done += bytesWritten;
  }
}

async function readFully(handle: fs.promises.FileHandle, into: Buffer, at: number): Promise<void> {
  for (let done = 0; done < into.length;) {
    const { bytesRead } = await handle.read(into, done, into.length - done, at + done);
    if (bytesRead === 0) throw new Error(`the file ends before byte ${at + into.length}`);
    done += bytesRead;
  }
}

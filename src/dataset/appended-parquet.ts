/**
 * A parquet file the writer grows one save at a time (a data file, an episodes metadata file):
 * the first piece becomes the file by staging and rename; later pieces are written in place by
 * parquet-tail.ts, in time proportional to the piece and the footer, never copying the file.
 */
import fs from "node:fs";
import { stageFileAtomic } from "./atomic.js";
import { ParquetAppender } from "./parquet-append.js";
import { stageParquetTail } from "./parquet-tail.js";
import type { SaveStep } from "./save-transaction.js";

export interface StagedPiece {
  step: SaveStep;
  /** The file's size once the step is committed. */
  size: number;
  /** Record the piece as part of the file (call once the whole save is committed). */
  accept(): void;
}

export class AppendedParquetFile {
  /**
   * Footer size past which the writer starts a new file. A save rewrites the whole footer (its
   * rescue copy and the new one, parquet-tail.ts), which grows with every row group: ~5 ms per
   * MiB with the fsync and truncate (bench/saves.js), so a data file of 1 s episodes at the
   * 100 MB limit (~33 MB of footer) would cost ~200 ms a save. At 1 MiB a save stays within a
   * few ms of a fresh file's; only long sessions get more files. Tests lower it.
   */
  static footerLimitBytes = 1024 * 1024;

  private appender: ParquetAppender | undefined;

  constructor(readonly path: string) {}

  /** Whether the footer passed footerLimitBytes: the next save should start a new file. */
  get footerFull(): boolean {
    return (this.appender?.trailer.length ?? 0) >= AppendedParquetFile.footerLimitBytes;
  }

  /** Row groups and their rows, as written so far. */
  get rowGroupRows(): number[] {
    return this.appender?.rowGroupRows ?? [];
  }

  /**
   * Stage `piece`'s row groups after the first `keep` row groups of the file (all by default;
   * fewer to re-encode the last ones, as the episodes metadata does with its filling row group).
   */
  async stage(piece: Uint8Array, keep = this.rowGroupRows.length): Promise<StagedPiece> {
    const current = this.appender;
    if (!current) {
      const staged = await stageFileAtomic(this.path, piece);
      return {
        step: {
          commit: () => staged.commit(),
          undo: async () => {
            if (staged.committed) await fs.promises.rm(this.path, { force: true });
            else await staged.abort();
          },
        },
        size: piece.length,
        accept: () => { this.appender = ParquetAppender.fromFile(piece); },
      };
    }
    let plan;
    try {
      plan = current.planReplace(keep, piece);
    } catch (error) {
      throw new Error(`cannot append to ${this.path}: ${(error as Error).message}`, { cause: error });
    }
    const staged = await stageParquetTail(this.path, plan, current);
    return {
      step: { commit: () => staged.commit(), undo: () => staged.abort() },
      size: staged.size,
      accept: () => { this.appender = staged.next; },
    };
  }
}

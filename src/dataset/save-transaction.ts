/**
 * The file changes of one saveEpisode, staged first and switched last, so the dataset on disk
 * is the old one for as long as possible and the new one right after a handful of system calls.
 *
 * Each step stages its bytes where no reader looks (beside the file, or past the end of a
 * parquet file whose footer still describes the old rows) and exposes them with one system call
 * (a rename, a truncate). The switches run in the order the steps were added: the save journal
 * first (save-journal.ts: it names what the others put past info.json until info.json counts it),
 * info.json (the commit point) last; if any staging or switch fails, every step is put back,
 * newest first, the journal last.
 */

export interface SaveStep {
  /** The one system call that makes the staged bytes visible (nothing for steps done in place). */
  commit(): Promise<void>;
  /** Put the file back as it was, whether commit() ran or not. */
  undo(): Promise<void>;
}

export class SaveTransaction {
  private readonly steps: SaveStep[] = [];

  /** A step already staged, to be switched by commitAll(). */
  add(step: SaveStep): void {
    this.steps.push(step);
  }

  /** A change already made (an mp4 append, the task list), with how to take it back. */
  done(undo: () => Promise<void>): void {
    this.steps.push({ commit: async () => {}, undo });
  }

  async commitAll(): Promise<void> {
    for (const step of this.steps) await step.commit();
  }

  /** Undo every step, newest first; failures of single undos are ignored (the save already failed). */
  async rollback(): Promise<void> {
    for (const step of [...this.steps].reverse()) await step.undo().catch(() => {});
  }
}

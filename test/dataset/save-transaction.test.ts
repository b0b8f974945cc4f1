/**
 * A save's steps (docs/ARCHITECTURE.md, crash safety): switched in the order they were added,
 * and on failure all put back, newest first, even the ones that never switched.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stageFileAtomic, stagingPath } from "../../src/dataset/atomic.js";
import type { SaveStep } from "../../src/dataset/save-transaction.js";
import { SaveTransaction } from "../../src/dataset/save-transaction.js";
import { tempDir } from "../helpers/synthetic.js";

let dir: string;
beforeAll(() => { dir = tempDir(); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A step that logs what is done to it; its commit fails when `failCommit`. */
function loggedStep(name: string, log: string[], options: { failCommit?: boolean; failUndo?: boolean } = {}): SaveStep {
  return {
    commit: async () => {
      if (options.failCommit) throw new Error(`${name} commit failed`);
      log.push(`commit ${name}`);
    },
    undo: async () => {
      log.push(`undo ${name}`);
      if (options.failUndo) throw new Error(`${name} undo failed`);
    },
  };
}

describe("SaveTransaction.commitAll", () => {
  it("switches the steps in the order they were added, done() steps switching nothing", async () => {
    const log: string[] = [];
    const tx = new SaveTransaction();
    tx.add(loggedStep("journal", log));
    tx.done(async () => { log.push("undo mp4"); });
    tx.add(loggedStep("data", log));
    tx.add(loggedStep("info", log));
    await tx.commitAll();
    expect(log).toEqual(["commit journal", "commit data", "commit info"]);
  });

  it("stops at the first switch that fails, leaving later steps unswitched", async () => {
    const log: string[] = [];
    const tx = new SaveTransaction();
    tx.add(loggedStep("journal", log));
    tx.add(loggedStep("data", log, { failCommit: true }));
    tx.add(loggedStep("info", log));
    await expect(tx.commitAll()).rejects.toThrow("data commit failed");
    expect(log).toEqual(["commit journal"]);
  });
});

describe("SaveTransaction.rollback", () => {
  it("undoes every step newest first (the journal, added first, last), whether it switched or not", async () => {
    const log: string[] = [];
    const tx = new SaveTransaction();
    tx.add(loggedStep("journal", log));
    tx.done(async () => { log.push("undo mp4"); });
    tx.add(loggedStep("data", log, { failCommit: true }));
    tx.add(loggedStep("info", log));
    await tx.commitAll().catch(() => {});
    await tx.rollback();
    expect(log).toEqual(["commit journal", "undo info", "undo data", "undo mp4", "undo journal"]);
  });

  it("goes on past an undo that fails", async () => {
    const log: string[] = [];
    const tx = new SaveTransaction();
    tx.add(loggedStep("a", log));
    tx.add(loggedStep("b", log, { failUndo: true }));
    tx.add(loggedStep("c", log));
    await expect(tx.rollback()).resolves.toBeUndefined();
    expect(log).toEqual(["undo c", "undo b", "undo a"]);
  });

  it("puts real files back: a committed rename is reverted and a staged file removed", async () => {
    const first = path.join(dir, "first.json");
    const second = path.join(dir, "second.json");
    const tx = new SaveTransaction();
    for (const file of [first, second]) {
      const staged = await stageFileAtomic(file, "new");
      tx.add({ commit: () => staged.commit(), undo: async () => { if (staged.committed) await fs.promises.rm(file); else await staged.abort(); } });
    }
    // The second switch fails (its staged bytes are gone) after the first went through.
    fs.rmSync(stagingPath(second));
    await expect(tx.commitAll()).rejects.toThrow(/ENOENT/);
    expect(fs.existsSync(first)).toBe(true);
    await tx.rollback();
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

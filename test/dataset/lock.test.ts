/**
 * One writer per dataset folder (docs/ARCHITECTURE.md, crash safety): the lock file holds the
 * writer's pid; a live holder refuses another writer, a dead one's lock is taken over.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatasetError } from "../../src/errors.js";
import { LOCK_PATH, acquireWriterLock, releaseWriterLock, writerLockHolder } from "../../src/dataset/lock.js";
import { tempDir } from "../helpers/synthetic.js";

/** Above Linux's largest possible pid_max (2^22): no process has it. */
const DEAD_PID = 2 ** 22 + 1;

let dir: string;
let other: ChildProcess;
beforeAll(async () => {
  dir = tempDir();
  // Another live process, as a second recording would be.
  other = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  await new Promise((resolve, reject) => { other.once("spawn", resolve); other.once("error", reject); });
});
afterAll(() => {
  other.kill();
  fs.rmSync(dir, { recursive: true, force: true });
});

let roots = 0;
function datasetWithLock(content?: string): string {
  const root = path.join(dir, `ds-${++roots}`);
  fs.mkdirSync(root);
  if (content !== undefined) {
    fs.mkdirSync(path.join(root, ".lerobot-ts"));
    fs.writeFileSync(path.join(root, LOCK_PATH), content);
  }
  return root;
}

describe("acquireWriterLock", () => {
  it("writes this process's pid to .lerobot-ts/lock", async () => {
    const root = datasetWithLock();
    await acquireWriterLock(root);
    expect(fs.readFileSync(path.join(root, ".lerobot-ts/lock"), "utf8")).toBe(`${process.pid}\n`);
  });

  it("refuses while another live process holds the lock, naming its pid, and leaves the lock alone", async () => {
    const root = datasetWithLock(`${other.pid}\n`);
    const attempt = acquireWriterLock(root);
    await expect(attempt).rejects.toBeInstanceOf(DatasetError);
    await expect(attempt).rejects.toThrow(`another writer (pid ${other.pid}) is writing ${root}`);
    expect(fs.readFileSync(path.join(root, LOCK_PATH), "utf8")).toBe(`${other.pid}\n`);
  });

  it("refuses a second lock by this same process, saying so", async () => {
    const root = datasetWithLock();
    await acquireWriterLock(root);
    await expect(acquireWriterLock(root)).rejects.toThrow(`(pid ${process.pid}, this process)`);
  });

  it("takes over a lock whose process is gone, or that holds no pid", async () => {
    for (const stale of [`${DEAD_PID}\n`, "", "not a pid\n"]) {
      const root = datasetWithLock(stale);
      await acquireWriterLock(root);
      expect(fs.readFileSync(path.join(root, LOCK_PATH), "utf8")).toBe(`${process.pid}\n`);
    }
  });
});

describe("releaseWriterLock", () => {
  it("removes the lock so another writer may take it, and does nothing when there is none", async () => {
    const root = datasetWithLock();
    await acquireWriterLock(root);
    await releaseWriterLock(root);
    expect(fs.existsSync(path.join(root, LOCK_PATH))).toBe(false);
    await releaseWriterLock(root);
    await acquireWriterLock(root);
    expect(writerLockHolder(root)).toBe(process.pid);
  });
});

describe("writerLockHolder", () => {
  it("is the pid of a live holder", () => {
    expect(writerLockHolder(datasetWithLock(`${other.pid}\n`))).toBe(other.pid);
  });

  it("is undefined with no lock, a dead holder, or a lock that is not a pid", () => {
    expect(writerLockHolder(datasetWithLock())).toBeUndefined();
    expect(writerLockHolder(datasetWithLock(`${DEAD_PID}\n`))).toBeUndefined();
    expect(writerLockHolder(datasetWithLock("-5\n"))).toBeUndefined();
    expect(writerLockHolder(datasetWithLock("12abc"))).toBeUndefined();
  });
});

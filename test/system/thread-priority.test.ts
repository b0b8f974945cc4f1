/**
 * niceThisThread changes the nice value of the calling thread alone. What it did is read back
 * from the kernel: a thread's nice is field 19 of /proc/thread-self/stat (Linux).
 */
import fs from "node:fs";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { niceThisThread } from "../../src/system/thread-priority.js";

/** Field 19 of a /proc stat line; the command name in parentheses may hold spaces, so count from its ')'. */
const niceOf = (stat: string): number => Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
const mainThreadNice = () => niceOf(fs.readFileSync(`/proc/${process.pid}/task/${process.pid}/stat`, "utf8"));

interface WorkerReport { before: number; set: boolean; after: number }

/** Runs niceThisThread(nice) in a new worker thread (its sources through tsx, as the writer thread does). */
function inWorker(nice: number, platform?: string): Promise<WorkerReport> {
  const code = `
    const { parentPort, workerData } = require("node:worker_threads");
    const fs = require("node:fs");
    const niceOf = ${niceOf.toString()};
    const read = () => fs.existsSync("/proc/thread-self/stat") ? niceOf(fs.readFileSync("/proc/thread-self/stat", "utf8")) : NaN;
    import("tsx/esm/api").then(async ({ register }) => {
      register();
      if (workerData.platform) Object.defineProperty(process, "platform", { value: workerData.platform });
      const { niceThisThread } = await import(workerData.module);
      const before = read();
      const set = niceThisThread(workerData.nice);
      parentPort.postMessage({ before, set, after: read() });
    });`;
  const module = new URL("../../src/system/thread-priority.ts", import.meta.url).href;
  const worker = new Worker(code, { eval: true, execArgv: [], workerData: { module, nice, platform } });
  return new Promise((resolve, reject) => {
    worker.once("message", (report: WorkerReport) => { resolve(report); void worker.terminate(); });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`worker exited with ${code} before reporting`)));
  });
}

describe("niceThisThread", () => {
  it.runIf(process.platform === "linux")("sets the nice of the calling worker thread, not of the process's main thread", async () => {
    const main = mainThreadNice();
    const target = Math.min(19, main + 7);
    const report = await inWorker(target);
    expect(report.before).toBe(main); // a new thread starts with its creator's nice
    expect(report.set).toBe(true);
    expect(report.after).toBe(target);
    expect(mainThreadNice()).toBe(main);
  });

  it.runIf(process.platform === "linux")("returns false and changes nothing for a value the kernel refuses", async () => {
    const main = mainThreadNice();
    // Out of range on the main thread too: nothing may change there either.
    expect(niceThisThread(1000)).toBe(false);
    expect(mainThreadNice()).toBe(main);
    const report = await inWorker(-1000);
    expect(report.set).toBe(false);
    expect(report.after).toBe(report.before);
  });

  it("returns false and changes nothing off Linux, where a thread has no nice of its own", async () => {
    if (process.platform !== "linux") {
      expect(niceThisThread(5)).toBe(false);
      return;
    }
    // On Linux, a worker that reports another platform stands in for one.
    const report = await inWorker(mainThreadNice() + 3, "darwin");
    expect(report.set).toBe(false);
    expect(report.after).toBe(report.before);
  });
});

/**
 * Lowering the priority of the calling thread alone. On Linux a thread has its own nice value,
 * and /proc/thread-self names it, so a worker thread can step back behind the process's main
 * thread (which runs a recorder's clock). Elsewhere, or where it is not permitted, nothing changes.
 */
import fs from "node:fs";
import os from "node:os";

/** Set the calling thread's nice value to `nice` (higher = yields more); true if it was set. */
export function niceThisThread(nice: number): boolean {
  if (process.platform !== "linux") return false;
  try {
    const tid = Number(fs.readlinkSync("/proc/thread-self").split("/").pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    os.setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}

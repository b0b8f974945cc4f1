// Preloaded (node --import) into a child process to SIGKILL it at one of its file operations:
// with CRASH_OP=k it dies just before the k-th operation that changes a file (open for writing,
// write, truncate, sync, rename, rm, mkdir, ...) made while `globalThis.__countFsOps` is true.
// With CRASH_OP=0 it only counts, and prints "FSOPS <n>" on exit.
import fs from "node:fs";

const target = Number(process.env.CRASH_OP ?? "0");
let count = 0;
function tick() {
  if (!globalThis.__countFsOps) return;
  count++;
  if (count === target) process.kill(process.pid, "SIGKILL");
}
function wrap(object, name, counts = () => true) {
  const original = object[name];
  object[name] = function (...args) {
    if (counts(...args)) tick();
    return original.apply(this, args);
  };
}
for (const name of ["rename", "rm", "unlink", "truncate", "writeFile", "copyFile", "mkdir", "rmdir"]) wrap(fs.promises, name);
wrap(fs.promises, "open", (_file, flags) => flags !== undefined && flags !== "r");
const probe = await fs.promises.open(process.execPath, "r");
const FileHandle = Object.getPrototypeOf(probe);
await probe.close();
for (const name of ["write", "writeFile", "truncate", "sync", "datasync"]) wrap(FileHandle, name);
process.on("exit", () => process.stdout.write(`FSOPS ${count}\n`));

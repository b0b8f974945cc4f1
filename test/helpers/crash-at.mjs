// Preloaded (node --import) into a CLI run to crash it at a chosen file operation, as a power
// cut or kill -9 would: CRASH_AT="rename:2:before" dies just before the process's second
// fs.promises.rename, "rm:1:after" just after its first fs.promises.rm.
import fs from "node:fs";

const [op, nth, when] = (process.env.CRASH_AT ?? "").split(":");
if (op === "rename" || op === "rm") {
  const original = fs.promises[op];
  let calls = 0;
  fs.promises[op] = async (...args) => {
    const crash = ++calls === Number(nth);
    if (crash && when === "before") process.kill(process.pid, "SIGKILL");
    const result = await original.apply(fs.promises, args);
    if (crash && when === "after") process.kill(process.pid, "SIGKILL");
    return result;
  };
}

/**
 * Runs the benchmarks one after another, each in its own Node process, then prints one summary.
 *
 *   node bench/run.js                      # numeric, video, memory, verify, verify-remote, edit, hardware, record, saves
 *   node bench/run.js numeric memory       # a subset, by name
 *   node bench/run.js --quick              # small sizes: a smoke run of everything
 *
 * Benchmarks import the built library (../dist), so run `npm run build` first (`npm run bench`
 * does both).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseFlags, printTable } from "./common.js";

const BENCHES = ["numeric", "video", "memory", "verify", "verify-remote", "edit", "hardware", "record", "saves"];
const here = path.dirname(fileURLToPath(import.meta.url));
const { quick, words } = parseFlags();

const unknown = words.filter((w) => !BENCHES.includes(w));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(", ")} (choose from ${BENCHES.join(", ")})`);
  process.exit(2);
}
if (!fs.existsSync(path.join(here, "..", "dist", "index.js"))) {
  console.error("dist/index.js is missing: run `npm run build` first (or `npm run bench`)");
  process.exit(2);
}
const chosen = words.length > 0 ? BENCHES.filter((b) => words.includes(b)) : BENCHES;

const summaryFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lerobot-ts-bench-summary-")), "summary.jsonl");
fs.writeFileSync(summaryFile, "");
console.log(`lerobot-ts benchmarks${quick ? " (--quick)" : ""}: ${chosen.join(", ")}`);
console.log(`node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.platform()} ${os.release()}`);

const timings = [];
let failed = 0;
for (const name of chosen) {
  const t0 = performance.now();
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(here, `${name}.js`), ...(quick ? ["--quick"] : [])], {
      stdio: "inherit", env: { ...process.env, BENCH_SUMMARY_FILE: summaryFile },
    });
    child.on("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  const s = (performance.now() - t0) / 1000;
  timings.push([name, `${s.toFixed(1)} s`, code === 0 ? "ok" : `FAILED (exit ${code})`]);
  if (code !== 0) failed++;
}

const rows = fs.readFileSync(summaryFile, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
fs.rmSync(path.dirname(summaryFile), { recursive: true, force: true });
console.log("\n==================================================================");
printTable("All benchmarks", ["bench", "metric", "value", "target", "ok?"], rows.map((r) => [r[0], r[1], r[2], r[3] ?? "", r[4] ?? ""]));
printTable("Run times", ["bench", "time", "status"], timings);
process.exitCode = failed > 0 ? 1 : 0;

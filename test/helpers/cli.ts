/** The built CLI (`bin/lerobot-ts.js`) run as a user runs it, in its own process, for tests. */
import { spawn } from "node:child_process";
import path from "node:path";

export const BIN = path.join(import.meta.dirname, "..", "..", "bin", "lerobot-ts.js");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `lerobot-ts <args>` with `env` added to this process's environment; stdin is closed at once. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, ...(cwd ? { cwd } : {}) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdin.end();
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

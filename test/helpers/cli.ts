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

/** Each command line must fail as bad input: exit 2 and one line on stderr matching its message. */
export async function expectUsageErrors(cases: readonly (readonly [readonly string[], RegExp])[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  const { expect } = await import("vitest");
  for (const [args, message] of cases) {
    const r = await runCli([...args], env);
    expect(r.code, args.join(" ")).toBe(2);
    expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  }
}

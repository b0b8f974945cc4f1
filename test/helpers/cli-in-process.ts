/**
 * One CLI command run in this process, for tests of a command module: its register function on a
 * fresh program, stdout and stderr captured, and errors turned into exit codes as main() turns
 * them (src/cli/main.ts). Cheaper than spawning bin/ and needs no dist/; a command whose
 * behaviour is the process itself (signals, stdin, a killed run) is still spawned (test/helpers/cli.ts).
 */
import { Command, CommanderError } from "commander";
import { EXIT_USAGE, QuietExit, reportError } from "../../src/cli/errors.js";
import type { CliRun } from "./cli.js";

/**
 * Run `args` (the command's name first) on a program holding only what `register` adds. `env` is
 * set on process.env for the run (undefined removes a variable) and restored after it;
 * `onStdout` sees stdout so far after each write (for a command that runs until stopped).
 */
export async function runCommand(
  register: (program: Command) => void, args: string[], env: Record<string, string | undefined> = {}, onStdout?: (stdout: string) => void,
): Promise<CliRun> {
  const program = new Command().name("lerobot-ts").exitOverride();
  register(program);
  for (const command of program.commands) command.exitOverride();
  let stdout = "";
  let stderr = "";
  const writes = { out: process.stdout.write, err: process.stderr.write };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const setEnv = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  const capture = (append: (text: string) => void) => ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    append(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString());
    const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture((t) => {
    stdout += t;
    onStdout?.(stdout);
  });
  process.stderr.write = capture((t) => (stderr += t));
  setEnv(env);
  let code: number;
  try {
    await program.parseAsync(args, { from: "user" });
    code = 0;
  } catch (error) {
    code = error instanceof QuietExit ? error.code
      : error instanceof CommanderError ? (error.exitCode === 0 ? 0 : EXIT_USAGE)
      : reportError(error);
  } finally {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    setEnv(saved);
  }
  return { code, stdout, stderr };
}

/** As expectUsageErrors (test/helpers/cli.ts), in this process: each command line exits 2 with one stderr line matching its message. */
export async function expectCommandUsageErrors(
  register: (program: Command) => void, cases: readonly (readonly [readonly string[], RegExp])[], env: Record<string, string | undefined> = {},
): Promise<void> {
  const { expect } = await import("vitest");
  for (const [args, message] of cases) {
    const r = await runCommand(register, [...args], env);
    expect(r.code, args.join(" ")).toBe(2);
    expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
    expect(r.stderr, args.join(" ")).toMatch(message);
  }
}

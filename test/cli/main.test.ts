/** The program: every command wired, and main()'s exit codes for help, bad usage, verdicts and errors. */
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { buildProgram, main } from "../../src/cli/main.js";
import { editInfo } from "../helpers/corrupt.js";
import { tempDir, writeSynthetic } from "../helpers/synthetic.js";

const { version } = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "..", "..", "package.json"), "utf8")) as { version: string };

describe("buildProgram", () => {
  it("wires every command of the README", () => {
    expect(buildProgram().commands.map((c) => c.name()).sort()).toEqual([
      "calibrate", "calibrate-test", "convert", "edit", "find-cameras", "find-port", "inspect", "push", "record", "repair", "replay",
      "synthesize", "teleoperate", "verify", "view",
    ]);
  });

  it("is named lerobot-ts and carries package.json's version", () => {
    const program = buildProgram();
    expect(program.name()).toBe("lerobot-ts");
    expect(program.version()).toBe(version);
  });
});

describe("main", () => {
  const dir = tempDir("lerobot-ts-cli-main-");
  const valid = path.join(dir, "valid");
  const invalid = path.join(dir, "invalid");
  let stdout = "";
  let stderr = "";
  beforeAll(async () => {
    for (const root of [valid, invalid]) await (await writeSynthetic({ root, episodes: [3, 4], cameras: [] })).finalize();
    editInfo(invalid, (info) => { info.total_frames = 99; });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  afterEach(() => vi.restoreAllMocks());

  async function run(...argv: string[]): Promise<number> {
    stdout = "";
    stderr = "";
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => { stdout += String(chunk); return true; });
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => { stderr += String(chunk); return true; });
    try {
      return await main(argv);
    } finally {
      vi.restoreAllMocks();
    }
  }

  it("exits 0 for --version and --help, printing them", async () => {
    expect(await run("--version")).toBe(0);
    expect(stdout).toBe(`${version}\n`);
    expect(await run("--help")).toBe(0);
    expect(stdout).toMatch(/^Usage: lerobot-ts /);
    expect(await run("verify", "--help")).toBe(0);
    expect(stdout).toMatch(/^Usage: lerobot-ts verify /);
  });

  it("exits 2 for what commander refuses: an unknown command, a missing argument, an unknown option", async () => {
    expect(await run("no-such-command")).toBe(2);
    expect(stderr).toMatch(/unknown command 'no-such-command'/);
    expect(await run("verify")).toBe(2);
    expect(stderr).toMatch(/missing required argument 'dataset'/);
    expect(await run("verify", valid, "--no-such-flag")).toBe(2);
    expect(stderr).toMatch(/unknown option '--no-such-flag'/);
  });

  it("exits 0 for a command that succeeds and with the command's own code after its verdict", async () => {
    expect(await run("verify", valid)).toBe(0);
    expect(await run("verify", invalid)).toBe(1);
    // The verdict is the report on stdout; nothing more is said on stderr.
    expect(stdout).toMatch(/INVALID/);
    expect(stderr).toBe("");
  });

  it("turns a thrown error into one stderr line and its exit code", async () => {
    expect(await run("inspect", path.join(dir, "nothing-here"))).toBe(2);
    expect(stderr).toBe(`lerobot-ts: error: ${path.join(dir, "nothing-here")} does not exist\n`);
  });
});

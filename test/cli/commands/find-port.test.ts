/**
 * `lerobot-ts find-port`: --list (a table or a versioned JSON document) run in-process, and the
 * unplug flow, which reads Enter from stdin, as a user runs it (the built CLI with a pipe).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { registerFindPort } from "../../../src/cli/commands/find-port.js";
import type { PortInfo } from "../../../src/hardware/index.js";
import { runCommand } from "../../helpers/cli-in-process.js";

const bin = path.join(import.meta.dirname, "..", "..", "..", "bin", "lerobot-ts.js");
const built = fs.existsSync(path.join(import.meta.dirname, "..", "..", "..", "dist", "cli", "commands", "find-port.js"));
if (!built) console.warn("find-port: CLI tests skipped, dist/ is missing (npm test builds it; run `npm run build`)");

const findPort = (...args: string[]) => runCommand(registerFindPort, ["find-port", ...args]);

describe("lerobot-ts find-port --list", () => {
  it("--list --json prints a versioned list of ports", async () => {
    const result = await findPort("--list", "--json", "--include-pseudo");
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout) as { schema: string; ports: PortInfo[] };
    expect(doc.schema).toBe("lerobot-ts/find-port@1");
    expect(Array.isArray(doc.ports)).toBe(true);
    for (const port of doc.ports) {
      expect(typeof port.path).toBe("string");
      for (const value of Object.values(port)) expect(typeof value).toBe("string");
    }
  });

  it("--list prints a table (or says there is no port)", async () => {
    const result = await findPort("--list");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^(PATH\s+MANUFACTURER\s+SERIAL\s+VID:PID\s+BY-ID\n|No serial ports found\.\n$)/);
  });

  it("--list shows a row for each port --json lists, under the header", async () => {
    const { ports } = JSON.parse((await findPort("--list", "--json", "--include-pseudo")).stdout) as { ports: PortInfo[] };
    const lines = (await findPort("--list", "--include-pseudo")).stdout.trimEnd().split("\n");
    if (ports.length === 0) expect(lines).toEqual(["No serial ports found."]);
    else expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[0])).toEqual(ports.map((p) => p.path));
  });

  it("refuses --json without --list (the unplug flow prints prompts, not a document)", async () => {
    const r = await findPort("--json");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("lerobot-ts: error: --json works with --list only\n");
    expect(r.stdout).toBe("");
  });
});

describe.skipIf(!built)("lerobot-ts find-port", () => {
  const cli = (args: string[], input = "") => spawnSync(process.execPath, [bin, "find-port", ...args], { encoding: "utf8", input });

  it("reads Enter from a pipe and ends with one line when it cannot name a port", () => {
    // Nothing is unplugged here: either no port exists or none disappears.
    const result = cli([], "\n");
    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(/^Finding all available ports for the MotorsBus\.\n/);
    expect(result.stderr).toMatch(/^lerobot-ts: error: (no serial ports found|no port disappeared)/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(cli(["--json"]).status).toBe(2);
  });
});

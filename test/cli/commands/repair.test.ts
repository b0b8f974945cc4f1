/** `lerobot-ts repair` run in-process: what it fixes and says, --dry-run, --json, its exit codes. */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerRepair } from "../../../src/cli/commands/repair.js";
import { repairReportSchema } from "../../../src/edit/index.js";
import { runCommand } from "../../helpers/cli-in-process.js";
import { editInfo } from "../../helpers/corrupt.js";
import { tempDir, writeSynthetic } from "../../helpers/synthetic.js";

const repair = (args: string[], env: Record<string, string> = {}) => runCommand(registerRepair, ["repair", ...args], env);
const STATS = path.join("meta", "stats.json");

describe("lerobot-ts repair", () => {
  const dir = tempDir("lerobot-ts-cli-repair-");
  const base = path.join(dir, "base");
  let n = 0;
  /** A fresh copy of a valid dataset, without its meta/stats.json (which repair recomputes). */
  const withoutStats = (): string => {
    const root = path.join(dir, `copy-${n++}`);
    fs.cpSync(base, root, { recursive: true });
    fs.rmSync(path.join(root, STATS));
    return root;
  };
  beforeAll(async () => {
    await (await writeSynthetic({ root: base, episodes: [6, 8], cameras: [] })).finalize();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("fixes what it can, says what changed and exits 0 when no error remains", async () => {
    const root = withoutStats();
    const r = await repair([root]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/changed:\n {2}meta\/stats\.json {2}\(stats\.missing\)/);
    expect(fs.readFileSync(path.join(root, STATS), "utf8")).toBe(fs.readFileSync(path.join(base, STATS), "utf8"));
  });

  it("--dry-run writes nothing and exits 1 by the dataset as it is", async () => {
    const root = withoutStats();
    const r = await repair([root, "--dry-run"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/dry run: nothing written/);
    expect(r.stdout).toMatch(/would change:\n {2}meta\/stats\.json/);
    expect(fs.existsSync(path.join(root, STATS))).toBe(false);
  });

  it("exits 1 while errors it cannot fix remain, after fixing the rest", async () => {
    const root = withoutStats();
    editInfo(root, (info) => { info.fps = 0; });
    const r = await repair([root]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/could not fix:\n {2}meta\/info\.json/);
    expect(r.stdout).toMatch(/after repair INVALID: [1-9]\d* errors?/);
  });

  it("--json prints one versioned report", async () => {
    const r = await repair([withoutStats(), "--json"]);
    expect(r.code).toBe(0);
    const report = repairReportSchema.parse(JSON.parse(r.stdout));
    expect(report.schema).toBe("lerobot-ts/repair@1");
    expect(report.changed.map((c) => c.check)).toEqual(["stats.missing"]);
    expect(report.after.errors).toBe(0);
  });

  it("resolves a repo id under --root", async () => {
    const root = withoutStats();
    const r = await repair([path.basename(root), "--root", dir]);
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(root, STATS))).toBe(true);
  });

  it("exits 2 with one line when there is no dataset, or a live writer holds it", async () => {
    const none = await repair([path.join(dir, "nothing-here")]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^lerobot-ts: error: no dataset at .*nothing-here.*\n$/);

    const root = withoutStats();
    fs.mkdirSync(path.join(root, ".lerobot-ts"));
    fs.writeFileSync(path.join(root, ".lerobot-ts", "lock"), `${process.pid}\n`); // this test process: alive
    const busy = await repair([root]);
    expect(busy.code).toBe(2);
    expect(busy.stderr.trim().split("\n")).toHaveLength(1);
    expect(busy.stderr).toMatch(/another writer/);
    expect(fs.existsSync(path.join(root, STATS))).toBe(false);
  });
});

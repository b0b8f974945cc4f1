/** `lerobot-ts verify` run in-process: the report or --json document, its exit code, and its usage errors. */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerVerify } from "../../../src/cli/commands/verify.js";
import { verifyReportSchema } from "../../../src/verify/index.js";
import { runCommand } from "../../helpers/cli-in-process.js";
import { editInfo } from "../../helpers/corrupt.js";
import { tempDir, writeSynthetic } from "../../helpers/synthetic.js";

const verify = (...args: string[]) => runCommand(registerVerify, ["verify", ...args]);

describe("lerobot-ts verify", () => {
  const dir = tempDir("lerobot-ts-cli-verify-");
  const root = path.join(dir, "me", "ds");
  const broken = path.join(dir, "broken");
  beforeAll(async () => {
    // Short episodes: valid, with the one warning --strict turns into a failure.
    await (await writeSynthetic({ root, episodes: [5, 6, 7], cameras: [] })).finalize();
    await (await writeSynthetic({ root: broken, episodes: [5], cameras: [] })).finalize();
    editInfo(broken, (info) => { info.total_frames = 50; });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("prints the report and exits 0 for a valid dataset", async () => {
    const r = await verify(root);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout.trim().split("\n").at(-1)).toMatch(/^VALID: 0 errors, 1 warning in \d+\.\d\d s$/);
  });

  it("exits 1 after its report for an invalid dataset, and with --strict for warnings", async () => {
    const r = await verify(broken);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^INVALID: [1-9]\d* errors?/m);
    expect(r.stderr).toBe("");
    expect((await verify(root, "--strict")).code).toBe(1);
  });

  it("--json prints one document of the published schema, and --max-episodes checks only the first episodes", async () => {
    const r = await verify(root, "--json", "--max-episodes=2");
    expect(r.code).toBe(0);
    const report = verifyReportSchema.parse(JSON.parse(r.stdout));
    expect(report).toMatchObject({ schema: "lerobot-ts/verify@1", valid: true });
    expect(report.dataset.checkedEpisodes).toBe(2);
  });

  it("finds a repo id under --root as LeRobot does", async () => {
    const r = await verify("me/ds", "--root", dir, "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dataset: { root } });
  });

  it("exits 2 with one line for no dataset, a bad --max-episodes, and --deep on the Hub", async () => {
    const cases: [string[], RegExp][] = [
      [[path.join(dir, "nothing-here")], /^lerobot-ts: error: no dataset at .*nothing-here: the folder does not exist\n$/],
      [[root, "--max-episodes=many"], /^lerobot-ts: error: --max-episodes must be an integer >= 0, got 'many'\n$/],
      [["hf://datasets/me/ds", "--deep"], /^lerobot-ts: error: --deep decodes every video frame, which means downloading the videos/],
      [["me/ds", "--remote", "--deep"], /--deep decodes every video frame/],
    ];
    for (const [args, message] of cases) {
      const r = await verify(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(message);
    }
  });
});

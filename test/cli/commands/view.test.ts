/**
 * `lerobot-ts view` run in-process: it serves the dataset at the URL it prints until Ctrl-C, and
 * refuses what it cannot show with one line and exit 2.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerView } from "../../../src/cli/commands/view.js";
import { expectCommandUsageErrors, runCommand } from "../../helpers/cli-in-process.js";
import { tempDir, writeSynthetic } from "../../helpers/synthetic.js";
import { until } from "../../helpers/wait.js";

describe("lerobot-ts view", () => {
  const dir = tempDir("lerobot-ts-cli-view-");
  const root = path.join(dir, "me", "demo");
  beforeAll(async () => {
    await (await writeSynthetic({ root, episodes: [3, 4], cameras: [] })).finalize();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("serves a repo id under --root at the printed URL, opened at --episode, until Ctrl-C", async () => {
    const sigintBefore = process.listeners("SIGINT");
    let url: string | undefined;
    const run = runCommand(registerView, ["view", "me/demo", "--root", dir, "--episode=1", "--no-open"], {}, (stdout) => {
      url ??= /^serving .* at (http:\/\/127\.0\.0\.1:\d+\/\S+) \(Ctrl-C stops\)$/m.exec(stdout)?.[1];
    });
    const stop = await until(() => process.listeners("SIGINT").find((l) => !sigintBefore.includes(l)), (l) => l !== undefined);
    expect(url).toMatch(/\/episode_1$/);
    const page = await fetch(url!);
    expect(page.status).toBe(200);
    await page.arrayBuffer();
    // Ctrl-C, as the command's own SIGINT handler receives it, without signalling the test process.
    (stop as () => void)();
    const r = await run;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`serving ${root} at ${url} (Ctrl-C stops)\n`);
    await expect(fetch(url!)).rejects.toThrow();
  });

  it("exits 2 with one line for no dataset, an episode it does not have, and bad numbers", async () => {
    await expectCommandUsageErrors(registerView, [
      [["view", path.join(dir, "nothing"), "--no-open"], /^lerobot-ts: error: no LeRobot dataset at .*nothing/],
      [["view", root, "--no-open", "--episode=2"], /^lerobot-ts: error: --episode 2 does not exist \(the dataset has 2 episodes\)\n$/],
      [["view", root, "--no-open", "--episode=first"], /--episode must be an integer >= 0, got 'first'/],
      [["view", root, "--no-open", "--port=-1"], /--port must be an integer >= 0, got '-1'/],
    ]);
  });
});

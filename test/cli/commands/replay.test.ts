/**
 * `lerobot-ts replay` run in-process on the simulated follower: --dry-run prints exactly the
 * episode's actions, a replay sends them, and what cannot be replayed is one line with exit 2.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerReplay } from "../../../src/cli/commands/replay.js";
import { expectCommandUsageErrors, runCommand } from "../../helpers/cli-in-process.js";
import { JOINTS, actionValue, tempDir, writeSynthetic } from "../../helpers/synthetic.js";

describe("lerobot-ts replay", () => {
  const dir = tempDir("lerobot-ts-cli-replay-");
  const root = path.join(dir, "ds");
  const env = { HF_LEROBOT_HOME: path.join(dir, "home"), HF_HUB_OFFLINE: "1" };
  const follower = ["--robot.type=so101_follower", "--robot.port=sim", "--robot.id=f"];
  const dataset = ["--dataset.repo_id=t/replay", `--dataset.root=${root}`];
  beforeAll(async () => {
    // Actions in degrees (beyond ±100 from episode 1 on), as a use_degrees arm records them.
    await (await writeSynthetic({ root, episodes: [3, 4], cameras: [] })).finalize();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("--dry-run prints the episode's actions, frame by frame, and touches no hardware", async () => {
    const r = await runCommand(registerReplay, ["replay", "--robot.type=so101_follower", "--robot.port=/dev/not-there", ...dataset, "--dataset.episode=1", "--dry-run", "--approach_s=2"], env);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("dry run: so101_follower on /dev/not-there would move to the first pose over 2 s, then get 4 actions at 30 fps:");
    expect(lines[1]).toBe(["frame", ...JOINTS].join("\t"));
    expect(lines.slice(2)).toEqual([0, 1, 2, 3].map((k) => [k, ...JOINTS.map((_, j) => actionValue(1, k, j).toFixed(3))].join("\t")));
  });

  it("replays the episode on the simulated arm after the approach", async () => {
    const r = await runCommand(registerReplay, ["replay", ...follower, ...dataset, "--dataset.episode=0", "--approach_s=0"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`replaying episode 0 of ${root} (3 frames at 30 fps) after a 0 s approach; Ctrl-C stops\n`);
    expect(r.stdout).toMatch(/^replayed 3 frames in \d+\.\d\d s; tick lateness p99 \d+\.\d\d ms$/m);
  });

  it("exits 2 with one line for a missing or bad episode, a bad approach time, an episode not in the dataset, and a leader", async () => {
    await expectCommandUsageErrors(registerReplay, [
      [["replay", ...follower, ...dataset], /--dataset\.episode must be an episode number \(0, 1, \.\.\.\), got ''/],
      [["replay", ...follower, ...dataset, "--dataset.episode=-1"], /--dataset\.episode must be an episode number .*got '-1'/],
      [["replay", ...follower, ...dataset, "--dataset.episode=0", "--approach_s=soon"], /--approach_s must be a number of seconds >= 0, got 'soon'/],
      [["replay", ...follower, ...dataset, "--dataset.episode=5"], new RegExp(`episode 5 does not exist: ${root.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} has episodes 0\\.\\.1`)],
      [["replay", ...follower, `--dataset.root=${root}`, "--dataset.episode=0"], /--dataset\.repo_id is required/],
      [["replay", "--robot.type=so101_leader", "--robot.port=sim", ...dataset, "--dataset.episode=0"], /unknown robot type 'so101_leader'/],
      [["replay", ...dataset, "--dataset.episode=0"], /--robot\.type, --robot\.port and --robot\.id are required/],
    ], env);
  });
});

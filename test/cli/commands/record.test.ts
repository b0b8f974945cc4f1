/**
 * `lerobot-ts record` end to end, as a user runs it: simulated arms, two synthetic cameras,
 * three episodes -> a dataset verify passes, whose state follows the leader and whose videos hold
 * one camera frame per tick; --resume appends; a SIGKILL leaves a valid dataset; bad flags exit 2
 * having created nothing.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newRepoId, registerRecord } from "../../../src/cli/commands/record.js";
import { openDataset } from "../../../src/dataset/reader.js";
import { readCounter } from "../../../src/hardware/cameras/frame-counter.js";
import { verifyDataset } from "../../../src/verify/verify.js";
import { expectCommandUsageErrors, runCommand } from "../../helpers/cli-in-process.js";
import { tempDir, writeSynthetic } from "../../helpers/synthetic.js";

const bin = path.join(import.meta.dirname, "..", "..", "..", "bin", "lerobot-ts.js");
const built = fs.existsSync(path.join(import.meta.dirname, "..", "..", "..", "dist", "cli", "main.js"));
if (!built) console.warn("cli-record: skipped, dist/ is missing (npm test builds it; run `npm run build`)");

const W = 320;
const H = 240;
const CAMERAS = JSON.stringify({ front: { type: "synthetic", width: W, height: H, fps: 30 }, top: { type: "synthetic", width: W, height: H, fps: 30 } });

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Run `record`; with `kill`, SIGKILL it `afterMs` after its output first shows `when`. */
function runRecord(args: string[], env: NodeJS.ProcessEnv, kill?: { when: string; afterMs: number }): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, "record", ...args], { env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    let killing = false;
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (kill && !killing && stdout.includes(kill.when)) {
        killing = true;
        setTimeout(() => child.kill("SIGKILL"), kill.afterMs);
      }
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const base = (root: string, episodes: number, extra: string[] = []) => [
  "--robot.type=so101_follower", "--robot.port=sim", "--robot.id=f", `--robot.cameras=${CAMERAS}`,
  "--teleop.type=so101_leader", "--teleop.port=sim", "--teleop.id=l",
  "--dataset.repo_id=test/cli_record", `--dataset.root=${root}`, "--dataset.single_task=Pick the cube",
  `--dataset.num_episodes=${episodes}`, "--dataset.episode_time_s=1.5", "--dataset.reset_time_s=0.5",
  "--play_sounds=false", // on by default, as LeRobot's: a test must not start a speech program
  "--dataset.push_to_hub=false", // on by default, as LeRobot's: a test must not push to the Hub
  ...extra,
];

describe.skipIf(!built)("lerobot-ts record", () => {
  const dir = tempDir("lerobot-ts-cli-record-");
  const env = { HF_LEROBOT_HOME: path.join(dir, "home") };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const root = path.join(dir, "demo");

  it("records 3 episodes with 2 cameras into a dataset verify passes", async () => {
    const r = await runRecord(base(root, 3), env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/saved 3 episode\(s\), 135 frames; overruns \d+; late frames: front \d+, top \d+/);
    // Each episode's own timing, its first second apart (the figures themselves depend on the machine).
    for (const e of [0, 1, 2]) {
      expect(r.stdout).toMatch(new RegExp(`^  episode ${e}: 45 frames, overruns \\d+, tick lateness p99 [\\d.]+ ms, max [\\d.]+ ms; first second p99 [\\d.]+ ms, max [\\d.]+ ms$`, "m"));
    }
    expect(r.stdout).toMatch(/^verify: VALID/m);
    const report = await verifyDataset(root, { deep: true });
    expect(report.summary.errors, JSON.stringify(report.findings)).toBe(0);
    const ds = await openDataset(root);
    expect(ds.episodes.map((e) => e.length)).toEqual([45, 45, 45]);
    expect(ds.cameraKeys).toEqual(["observation.images.front", "observation.images.top"]);

    // observation.state follows the leader: the follower reaches where the leader was a few ticks before.
    const columns = await ds.readColumns(["action", "observation.state"]);
    const action = columns.action!.values as Float32Array;
    const state = columns["observation.state"]!.values as Float32Array;
    let bestLag = -1;
    let bestError = Infinity;
    for (let lag = 0; lag <= 6; lag++) {
      let sum = 0;
      let n = 0;
      for (const e of ds.episodes) {
        for (let k = e.datasetFromIndex + 15 + lag; k < e.datasetToIndex; k++) {
          for (let j = 0; j < 5; j++) { sum += Math.abs(state[k * 6 + j]! - action[(k - lag) * 6 + j]!); n++; }
        }
      }
      if (sum / n < bestError) { bestError = sum / n; bestLag = lag; }
    }
    expect(bestError).toBeLessThan(1.5); // degrees
    expect(bestLag).toBeGreaterThanOrEqual(1);
    let range = 0;
    for (let j = 0; j < 5; j++) {
      const column = Array.from({ length: ds.numFrames }, (_, k) => action[k * 6 + j]!);
      range = Math.max(range, Math.max(...column) - Math.min(...column));
    }
    expect(range).toBeGreaterThan(5); // the leader really moved

    // One camera frame per tick: counters run on by one inside each episode, and jump over the reset.
    for (const camera of ["front", "top"]) {
      let previousLast = -1;
      for (const e of ds.episodes) {
        const counters: number[] = [];
        for (const k of [0, 1, 22, 44]) counters.push(readCounter((await ds.decodeFrame(`observation.images.${camera}`, e.episodeIndex, k)).data, W, H, 1)[0]!);
        expect(counters.map((c) => c - counters[0]!), `${camera} episode ${e.episodeIndex}`).toEqual([0, 1, 22, 44]);
        expect(counters[0]).toBeGreaterThan(previousLast);
        previousLast = counters[3]!;
      }
    }
  }, 90_000);

  it("appends with --resume, indices running on", async () => {
    const r = await runRecord(base(root, 1, ["--resume=true"]), env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const ds = await openDataset(root);
    expect(ds.episodes.map((e) => [e.episodeIndex, e.datasetFromIndex])).toEqual([[0, 0], [1, 45], [2, 90], [3, 135]]);
    const index = await ds.readColumn("index");
    expect(Number(index.values[index.numRows - 1])).toBe(179);
    expect((await verifyDataset(root)).summary.errors).toBe(0);
  }, 60_000);

  it("leaves a valid dataset when killed with SIGKILL mid-episode, and resumes", async () => {
    const killed = path.join(dir, "killed");
    // Episodes last 1.5 s: killed 0.7 s into the third, once the first two are saved or saving.
    const r = await runRecord(base(killed, 5), env, { when: "Recording episode 2", afterMs: 700 });
    expect(r.signal).toBe("SIGKILL");
    const report = await verifyDataset(killed);
    expect(report.summary.errors, JSON.stringify(report.findings)).toBe(0);
    const saved = (await openDataset(killed)).numEpisodes;
    expect(saved).toBeGreaterThanOrEqual(1);
    const resumed = await runRecord(base(killed, 1, ["--resume=true"]), env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await openDataset(killed)).numEpisodes).toBe(saved + 1);
    expect((await verifyDataset(killed)).summary.errors).toBe(0);
  }, 90_000);

  it("exits 2 before touching anything for bad flags", async () => {
    const fresh = path.join(dir, "never");
    const cases: [string[], RegExp][] = [
      [base(fresh, 1, ["--dataset.push_to_hub=true", "--dataset.repo_id=no_namespace"]), /--dataset.push_to_hub=true: --dataset.repo_id 'no_namespace_\d{8}_\d{6}' is not a Hub repo id/],
      [base(fresh, 1).map((a) => (a.startsWith("--robot.cameras=") ? "--robot.cameras={\"front\": {" : a)), /--robot.cameras: /],
      [base(fresh, 1).map((a) => (a.startsWith("--robot.cameras=") ? `--robot.cameras=${JSON.stringify({ front: { type: "kinect", width: 640, height: 480, fps: 30 } })}` : a)), /--robot.cameras: .*kinect/],
      [base(root, 1), /already exists: add episodes with --resume=true/],
      [base(fresh, 1, ["--dataset.fps=0"]), /--dataset.fps must be an integer >= 1/],
      [base(fresh, 1).map((a) => (a.startsWith("--robot.type=") ? "--robot.type=so101_leader" : a)), /unknown robot type 'so101_leader'/],
      [base(fresh, 1).filter((a) => !a.startsWith("--dataset.single_task")), /--dataset.single_task is required/],
    ];
    for (const [args, message] of cases) {
      const r = await runRecord(args, env);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(fs.existsSync(fresh)).toBe(false);
  }, 60_000);
});

describe("newRepoId", () => {
  it("appends _YYYYMMDD_HHMMSS in local time, as LeRobot v0.6 stamps a new dataset", () => {
    expect(newRepoId("me/pick", false, new Date(2026, 0, 2, 3, 4, 5))).toBe("me/pick_20260102_030405");
    expect(newRepoId("me/pick", false, new Date(2026, 11, 31, 23, 59, 58))).toBe("me/pick_20261231_235958");
  });

  it("keeps the repo id as given with no_stamp", () => {
    expect(newRepoId("me/pick", true, new Date(2026, 0, 2))).toBe("me/pick");
  });

  it("refuses a name starting with eval_ (LeRobot keeps those for policy evaluation), not a namespace", () => {
    expect(() => newRepoId("me/eval_pick", true)).toThrow(/--dataset\.repo_id: names starting with 'eval_' are reserved for policy evaluation/);
    expect(() => newRepoId("eval_pick", false)).toThrow(/reserved for policy evaluation/);
    expect(newRepoId("eval_team/pick", true)).toBe("eval_team/pick");
  });
});

describe("registerRecord, run in-process", () => {
  const dir = tempDir("lerobot-ts-cli-record-inproc-");
  const home = path.join(dir, "home");
  const hfHome = path.join(dir, "hf-home"); // no token file in it
  const env = { HF_LEROBOT_HOME: home, HF_HOME: hfHome, HF_TOKEN: "", HUGGING_FACE_HUB_TOKEN: undefined, HF_TOKEN_PATH: undefined, HF_HUB_OFFLINE: undefined };
  const existing = path.join(dir, "existing");
  const arms = ["--robot.type=so101_follower", "--robot.port=sim", "--robot.id=f", "--teleop.type=so101_leader", "--teleop.port=sim", "--teleop.id=l"];
  const quick = ["--dataset.single_task=Pick", "--dataset.num_episodes=1", "--dataset.episode_time_s=0.3", "--dataset.reset_time_s=0", "--play_sounds=false"];
  beforeAll(async () => {
    fs.mkdirSync(hfHome, { recursive: true });
    // A 30 fps dataset of one SO arm without cameras, for --resume.
    await (await writeSynthetic({ root: existing, episodes: [3], cameras: [] })).finalize();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("without a token, records a stamped new dataset and says it stays local (LeRobot's default push is only noted)", async () => {
    const r = await runCommand(registerRecord, ["record", ...arms, ...quick, "--dataset.repo_id=me/rec"], env);
    expect(r.code, r.stderr).toBe(0);
    const [folder] = fs.readdirSync(path.join(home, "me"));
    expect(folder).toMatch(/^rec_\d{8}_\d{6}$/);
    const root = path.join(home, "me", folder!);
    expect(r.stdout).toContain(`note: the dataset stays local (no Hugging Face token was found: log in with \`hf auth login\``);
    expect(r.stdout).toContain(`push it later with \`lerobot-ts push ${root} --repo-id me/${folder}\``);
    expect(r.stdout).toMatch(/^verify: VALID/m);
    expect((await openDataset(root)).numEpisodes).toBe(1);
  }, 60_000);

  it("refuses flags, cameras, hub settings and a --resume that do not fit, with one line and exit 2, before creating anything", async () => {
    const fresh = ["--dataset.repo_id=me/never", `--dataset.root=${path.join(dir, "never")}`];
    const camera = (fps: number) => `--robot.cameras=${JSON.stringify({ front: { type: "synthetic", width: 64, height: 48, fps } })}`;
    const resume = ["--dataset.repo_id=test/synthetic", `--dataset.root=${existing}`, "--resume=true"];
    await expectCommandUsageErrors(registerRecord, [
      [["record", ...arms, ...quick, ...fresh, camera(15)], /--robot\.cameras: camera 'front' runs at 15 fps but --dataset\.fps is 30; give them the same rate/],
      [["record", ...arms, ...quick, ...fresh, "--dataset.reset_time_s=-1"], /--dataset\.reset_time_s must be a number >= 0, got '-1'/],
      [["record", ...arms, ...quick, ...fresh, "--dataset.episode_time_s=0"], /--dataset\.episode_time_s must be a positive number, got '0'/],
      [["record", ...arms, ...quick, ...fresh, "--dataset.num_episodes=0"], /--dataset\.num_episodes must be an integer >= 1/],
      [["record", ...arms, ...quick, ...fresh, "--dataset.push_to_hub=true"], /--dataset\.push_to_hub=true: no Hugging Face token was found: .* \(or record locally with --dataset\.push_to_hub=false\)/],
      [["record", ...arms, ...quick, ...fresh, "--dataset.push_to_hub=false", "--dataset.tags=so101"], /--dataset\.tags must be a list such as/],
      [["record", ...arms, ...quick, "--dataset.repo_id=me/eval_run"], /names starting with 'eval_' are reserved/],
      [["record", ...arms, "--dataset.repo_id=me/x"], /--dataset\.single_task is required/],
      [["record", ...arms, ...quick, "--dataset.push_to_hub=false", "--dataset.repo_id=me/x", "--resume=true"], /--resume: there is no dataset at .*me\/x \(no meta\/info\.json\)/],
      [["record", ...arms, ...quick, ...resume, "--dataset.fps=15"], /--resume: the dataset is at 30 fps, not 15 \(--dataset\.fps\)/],
      [["record", ...arms, ...quick, ...resume, camera(30)], /--resume: feature 'observation\.images\.front' \(video 48x64x3\) is not in the dataset as such/],
    ], env);
    expect(fs.existsSync(path.join(dir, "never"))).toBe(false);
    expect(fs.existsSync(path.join(home, "me", "x"))).toBe(false);
    expect((await openDataset(existing)).numEpisodes).toBe(1);
  }, 60_000);
});

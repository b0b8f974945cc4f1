/**
 * Bimanual arms and the LeRobot v0.6 arm flags on the command line, as a user runs them (the built
 * CLI in its own process, simulated arms): record a bi_so_follower dataset and replay it, resume
 * across so_follower / so100_follower / so101_follower, calibration_dir, PID and retry flags, and
 * one-line exit-2 errors for what a pair's flags can get wrong.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDataset } from "../../src/dataset/reader.js";
import { writeCalibrationFile } from "../../src/hardware/calibration.js";
import { openSimulatedArm } from "../../src/hardware/robots/sim-arm.js";
import { SO_MOTOR_NAMES } from "../../src/hardware/robots/types.js";
import { verifyDataset } from "../../src/verify/verify.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/synthetic.js";

const built = fs.existsSync(path.join(import.meta.dirname, "..", "..", "dist", "cli", "main.js"));
if (!built) console.warn("cli-bimanual: skipped, dist/ is missing (npm test builds it; run `npm run build`)");


const TWELVE = [...SO_MOTOR_NAMES.map((m) => `left_${m}.pos`), ...SO_MOTOR_NAMES.map((m) => `right_${m}.pos`)];
const camera = JSON.stringify({ wrist: { type: "synthetic", width: 96, height: 72, fps: 30 } });
const topCamera = JSON.stringify({ top: { type: "synthetic", width: 96, height: 72, fps: 30 } });

const dir = tempDir("lerobot-ts-cli-bimanual-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const env = { HF_LEROBOT_HOME: path.join(dir, "home") };

const biRecord = (root: string, extra: string[] = []) => [
  "record", "--robot.type=bi_so_follower", "--robot.id=bf", "--robot.left_arm_config.port=sim", "--robot.right_arm_config.port=sim",
  "--teleop.type=bi_so_leader", "--teleop.id=bl", "--teleop.left_arm_config.port=sim", "--teleop.right_arm_config.port=sim",
  "--dataset.repo_id=test/bimanual", `--dataset.root=${root}`, "--dataset.single_task=Hand over the cube",
  "--dataset.num_episodes=1", "--dataset.episode_time_s=2", "--dataset.reset_time_s=0", "--play_sounds=false", "--dataset.push_to_hub=false", ...extra,
];

describe.skipIf(!built)("lerobot-ts record / replay with bi_so_follower", () => {
  const root = path.join(dir, "bi");

  it("records a pair with per-arm and top-level cameras into a dataset named as LeRobot names it", async () => {
    // The left follower's calibration comes from --robot.calibration_dir; the right one has none there.
    const calibrationDir = path.join(dir, "calibrations");
    writeCalibrationFile(path.join(calibrationDir, "bf_left.json"), openSimulatedArm("follower").calibration);
    const r = await runCli(biRecord(root, [
      `--robot.left_arm_config.cameras=${camera}`, `--robot.right_arm_config.cameras=${camera}`, `--robot.cameras=${topCamera}`,
      `--robot.calibration_dir=${calibrationDir}`,
      "--robot.left_arm_config.position_p_coefficient=20", "--robot.right_arm_config.num_read_retries=3", "--robot.left_arm_config.max_relative_target=30",
      "--teleop.left_arm_config.position_p_coefficient=20",
    ]), env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`the motors' calibration differs from ${path.join(calibrationDir, "bf_left.json")}`);
    expect(r.stdout).toMatch(/no calibration file for so_follower 'bf_right'/);
    expect(r.stdout).toMatch(/^note: --teleop\.left_arm_config\.position_p_coefficient has no effect: it is a follower setting/m);
    expect(r.stdout).toMatch(/saved 1 episode\(s\), 60 frames/);
    expect(r.stdout).toMatch(/^verify: VALID/m);
    const info = JSON.parse(fs.readFileSync(path.join(root, "meta", "info.json"), "utf8")) as { robot_type: string; features: Record<string, { names: string[] }> };
    expect(info.robot_type).toBe("bi_so_follower");
    expect(info.features.action!.names).toEqual(TWELVE);
    expect(info.features["observation.state"]!.names).toEqual(TWELVE);
    const ds = await openDataset(root);
    expect(ds.cameraKeys).toEqual(["observation.images.left_wrist", "observation.images.top", "observation.images.right_wrist"]);
    expect((await verifyDataset(root, { deep: true })).summary.errors).toBe(0);
  }, 60_000);

  it("replays it on a bimanual follower", async () => {
    const args = ["replay", "--robot.type=bi_so_follower", "--robot.id=bf", "--robot.left_arm_config.port=sim", "--robot.right_arm_config.port=sim",
      "--dataset.repo_id=test/bimanual", `--dataset.root=${root}`, "--dataset.episode=0", "--approach_s=0.3"];
    const dry = await runCli([...args, "--dry-run"], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout.split("\n")[1]).toBe(["frame", ...TWELVE].join("\t"));
    const r = await runCli(args, env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/replayed 60 frames/);
    const single = await runCli(["replay", "--robot.type=so101_follower", "--robot.port=sim", "--dataset.repo_id=test/bimanual", `--dataset.root=${root}`, "--dataset.episode=0"], env);
    expect(single.code).toBe(2);
    expect(single.stderr).toMatch(/lack shoulder_pan\.pos, .* of so101_follower/);
  }, 60_000);
});

describe.skipIf(!built)("lerobot-ts record --resume across SO follower type names", () => {
  it("takes so_follower, so100_follower and so101_follower as one robot, and refuses another robot", async () => {
    const root = path.join(dir, "single");
    const single = (type: string, extra: string[] = []) => [
      "record", `--robot.type=${type}`, "--robot.port=sim", "--teleop.type=so101_leader", "--teleop.port=sim",
      "--dataset.repo_id=test/single", `--dataset.root=${root}`, "--dataset.single_task=t",
      "--dataset.num_episodes=1", "--dataset.episode_time_s=0.5", "--dataset.reset_time_s=0", "--play_sounds=false", "--dataset.push_to_hub=false", ...extra,
    ];
    const infoFile = path.join(root, "meta", "info.json");
    const created = await runCli(single("so101_follower"), env);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(infoFile, "utf8")).robot_type).toBe("so_follower");
    const resumed = await runCli(single("so_follower", ["--resume=true"]), env);
    expect(resumed.code, resumed.stderr).toBe(0);
    // A dataset written before LeRobot v0.4.3 (or by an older lerobot-ts) names the config type.
    const info = JSON.parse(fs.readFileSync(infoFile, "utf8")) as Record<string, unknown>;
    fs.writeFileSync(infoFile, JSON.stringify({ ...info, robot_type: "so101_follower" }, null, 4));
    const old = await runCli(single("so100_follower", ["--resume=true"]), env);
    expect(old.code, old.stderr).toBe(0);
    expect((await openDataset(root)).numEpisodes).toBe(3);
    const other = await runCli(biRecord(root, ["--resume=true"]), env);
    expect(other.code).toBe(2);
    expect(other.stderr).toBe("lerobot-ts: error: --resume: the dataset was recorded with robot type so101_follower, not bi_so_follower\n");
  }, 60_000);
});

describe.skipIf(!built)("bimanual flags that are wrong", () => {
  it("exit 2 with one line, before touching anything", async () => {
    const fresh = path.join(dir, "never");
    const without = (prefix: string) => biRecord(fresh).filter((a) => !a.startsWith(prefix));
    const cases: [string[], RegExp][] = [
      [without("--robot.right_arm_config.port"), /--robot\.right_arm_config\.port is required: bi_so_follower has two arms/],
      [[...biRecord(fresh), "--robot.port=/dev/ttyACM0"], /--robot\.port is not a bi_so_follower setting: give --robot\.left_arm_config\.port/],
      [[...biRecord(fresh), `--robot.cameras=${camera}`, `--robot.left_arm_config.cameras=${camera}`], /top-level camera names collide with per-arm camera names: wrist/],
      [[...without("--teleop."), "--teleop.type=so101_leader", "--teleop.port=sim"], /robot bi_so_follower and teleoperator so101_leader do not match/],
      [["record", "--robot.type=so101_follower", "--robot.port=sim", "--robot.left_arm_config.port=sim", "--teleop.type=so101_leader", "--teleop.port=sim",
        "--dataset.repo_id=t/x", `--dataset.root=${fresh}`, "--dataset.single_task=t"], /--robot\.left_arm_config\.port is for a bimanual bi_so_follower, but --robot\.type is so101_follower/],
      [[...biRecord(fresh), "--robot.left_arm_config.position_p_coefficient=300"], /--robot\.left_arm_config\.position_p_coefficient must be an integer 0\.\.255/],
      [[...biRecord(fresh), "--robot.right_arm_config.num_read_retries=-1"], /--robot\.right_arm_config\.num_read_retries must be an integer >= 0/],
      [["calibrate-test", "--robot.type=bi_so_follower", "--robot.left_arm_config.port=sim", "--robot.right_arm_config.port=sim", "--dataset.repo_id=t/x", `--dataset.root=${fresh}`],
        /this command takes one arm, not bi_so_follower/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, env);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(fs.existsSync(fresh)).toBe(false);
  }, 60_000);
});

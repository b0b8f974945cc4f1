/**
 * Bimanual SO arms (bi_so_follower / bi_so_leader) through the library, on simulated arms that
 * speak the Feetech protocol byte for byte: teleoperate, record, replay and calibrate a pair, the
 * per-arm settings LeRobot has (calibration_dir, num_read_retries, PID gains), and the robot names
 * LeRobot writes as a dataset's robot_type.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDataset } from "../../../src/dataset/reader.js";
import { DatasetWriter } from "../../../src/dataset/writer.js";
import { calibrationPath, readCalibrationFile } from "../../../src/hardware/calibration.js";
import { openCamera } from "../../../src/hardware/cameras/open-camera.js";
import { MotorChecksumError } from "../../../src/hardware/feetech/errors.js";
import { connectArm } from "../../../src/hardware/robots/arm.js";
import type { BimanualArmConfig } from "../../../src/hardware/robots/bimanual.js";
import { BimanualArm, bimanualCameras } from "../../../src/hardware/robots/bimanual.js";
import { SOArm } from "../../../src/hardware/robots/so-arm.js";
import { openSimulatedArm } from "../../../src/hardware/robots/sim-arm.js";
import { SO_MOTOR_NAMES, armPositionNames, lerobotRobotName } from "../../../src/hardware/robots/types.js";
import { calibrate } from "../../../src/processes/calibrate.js";
import type { CalibrationPrompt } from "../../../src/processes/calibrate.js";
import type { RecordTick } from "../../../src/processes/record.js";
import { record, recordFeatures } from "../../../src/processes/record.js";
import { ReplayError, checkActionsFit, episodeActions, replay } from "../../../src/processes/replay.js";
import type { TeleoperationTick } from "../../../src/processes/teleoperate.js";
import { teleoperate } from "../../../src/processes/teleoperate.js";
import { verifyDataset } from "../../../src/verify/verify.js";
import { answer } from "../../helpers/answer.js";
import { tempDir } from "../../helpers/synthetic.js";
import { afterCalls } from "../../helpers/wait.js";

const dir = tempDir("lerobot-ts-bimanual-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let envCount = 0;
const freshEnv = () => ({ HF_LEROBOT_HOME: path.join(dir, `home${envCount++}`) }) as NodeJS.ProcessEnv;

const pair = (type: string, extra: Partial<BimanualArmConfig> = {}): BimanualArmConfig => ({ type, left: { port: "sim" }, right: { port: "sim" }, ...extra });
const TWELVE = [...SO_MOTOR_NAMES.map((m) => `left_${m}.pos`), ...SO_MOTOR_NAMES.map((m) => `right_${m}.pos`)];
/** Mean absolute difference over the body joints of one side. */
const gap = (a: Record<string, number>, aSide: string, b: Record<string, number>, bSide: string) =>
  SO_MOTOR_NAMES.slice(0, 5).reduce((sum, m) => sum + Math.abs(a[`${aSide}_${m}.pos`]! - b[`${bSide}_${m}.pos`]!), 0) / 5;

describe("bimanual cameras", () => {
  it("prefix per-arm cameras with their side, keep top-level names, and refuse a collision as LeRobot does", () => {
    const cam = (w: number) => ({ type: "synthetic", width: w, height: 48, fps: 30 });
    expect(Object.keys(bimanualCameras({ left: { wrist: cam(64) }, top: { top: cam(64) }, right: { wrist: cam(64) } }))).toEqual(["left_wrist", "top", "right_wrist"]);
    expect(() => bimanualCameras({ left: { front: cam(64) }, top: { front: cam(64) } })).toThrow(/top-level camera names collide with per-arm camera names: front/);
    expect(() => bimanualCameras({ left: { wrist: cam(64) }, top: { left_wrist: cam(64) } })).toThrow(/two cameras would both be named 'left_wrist'/);
  });
});

describe("bimanual teleoperate (process)", () => {
  it("makes each follower track its own leader, with actions keyed left_ / right_", async () => {
    const leaders = { left: openSimulatedArm("leader", { seed: 1 }), right: openSimulatedArm("leader", { seed: 2 }) };
    const ticks: TeleoperationTick[] = [];
    const job = await teleoperate({
      robot: pair("bi_so_follower", { id: "bf" }), teleop: pair("bi_so_leader", { id: "bl" }),
      fps: 50, durationS: 2, readFollower: true, env: freshEnv(),
      connect: { teleop: { left: { simulator: leaders.left }, right: { simulator: leaders.right } } },
      onTick: (t) => ticks.push(t),
    });
    job.start();
    const result = await job.result;
    expect(result.ticks).toBeGreaterThanOrEqual(80);
    const last = ticks.at(-1)!;
    expect(Object.keys(last.action)).toEqual(TWELVE);
    expect(Object.keys(last.sent)).toEqual(TWELVE);
    expect(Object.keys(last.observation!)).toEqual(TWELVE);
    // The two leaders move differently (different seeds), so a follower on the wrong leader shows.
    expect(gap(last.action, "left", last.action, "right")).toBeGreaterThan(5);
    for (const side of ["left", "right"]) {
      const other = side === "left" ? "right" : "left";
      expect(gap(last.observation!, side, last.action, side), side).toBeLessThan(5);
      expect(gap(last.observation!, side, last.action, other), side).toBeGreaterThan(gap(last.observation!, side, last.action, side) + 3);
      for (const m of SO_MOTOR_NAMES) expect(Math.abs(last.observation![`${side}_${m}.pos`]! - last.action[`${side}_${m}.pos`]!), `${side} ${m}`).toBeLessThan(8);
    }
  }, 30_000);

  it("refuses a bimanual follower with a one-arm leader before touching hardware", async () => {
    await expect(teleoperate({ robot: pair("bi_so_follower"), teleop: { type: "so101_leader", port: "sim" } }))
      .rejects.toThrow(/robot bi_so_follower and teleoperator so101_leader do not match/);
  });

  it("names the side whose cable is pulled", async () => {
    const right = openSimulatedArm("leader", { seed: 2 });
    const ticks = afterCalls(10);
    const job = await teleoperate({
      robot: pair("bi_so_follower"), teleop: pair("bi_so_leader"), fps: 60, env: freshEnv(),
      connect: { teleop: { right: { simulator: right } } }, onTick: ticks.callback,
    });
    job.start();
    await ticks.reached;
    right.transport.faults.disconnect();
    await expect(job.result).rejects.toThrow(/^right leader arm on sim was lost/);
  });
});

describe("bimanual record and replay (process)", () => {
  const root = path.join(dir, "bi-record");
  const W = 96;
  const H = 72;
  const ticks: RecordTick[] = [];

  beforeAll(async () => {
    const configs = bimanualCameras({
      left: { wrist: { type: "synthetic", width: W, height: H, fps: 30 } },
      top: { top: { type: "synthetic", width: W, height: H, fps: 30 } },
      right: { wrist: { type: "synthetic", width: W, height: H, fps: 30 } },
    });
    const writer = await DatasetWriter.create({
      root, repoId: "test/bimanual", fps: 30, robotType: lerobotRobotName("bi_so_follower"),
      features: recordFeatures(configs, armPositionNames("bi_so_follower")),
    });
    const job = await record({
      robot: pair("bi_so_follower", { id: "bf" }), teleop: pair("bi_so_leader", { id: "bl" }), env: freshEnv(),
      cameras: Object.fromEntries(Object.entries(configs).map(([n, c]) => [n, openCamera(n, c)])),
      dataset: { fps: 30, singleTask: "hand over the cube", episodeTimeS: 2, resetTimeS: 0, numEpisodes: 1 },
      sink: writer,
      onTick: (t) => ticks.push(t),
    });
    job.start();
    await job.result;
  }, 60_000);

  it("stores LeRobot's 12 names, robot_type bi_so_follower, and prefixed camera keys", async () => {
    const info = JSON.parse(fs.readFileSync(path.join(root, "meta", "info.json"), "utf8")) as { robot_type: string; features: Record<string, { names: string[] }> };
    expect(info.robot_type).toBe("bi_so_follower");
    expect(info.features.action!.names).toEqual(TWELVE);
    expect(info.features["observation.state"]!.names).toEqual(TWELVE);
    const ds = await openDataset(root);
    expect(ds.cameraKeys).toEqual(["observation.images.left_wrist", "observation.images.top", "observation.images.right_wrist"]);
    // Stored rows are the loop's left_ / right_ values, in that order.
    const stored = await ds.readColumns(["action", "observation.state"]);
    const recorded = ticks.filter((t) => t.frameIndex !== undefined);
    expect(recorded).toHaveLength(60);
    for (const row of [0, 30, 59]) {
      TWELVE.forEach((name, j) => {
        expect(stored.action!.values[row * 12 + j]).toBeCloseTo(recorded[row]!.action[name]!, 4);
        expect(stored["observation.state"]!.values[row * 12 + j]).toBeCloseTo(recorded[row]!.observation[name]!, 4);
      });
    }
    expect((await verifyDataset(root)).summary.errors).toBe(0);
  });

  it("replays the episode on a bimanual follower, reproducing both arms' trajectories", async () => {
    const ds = await openDataset(root);
    const actions = await episodeActions(ds, 0);
    expect(actions.names).toEqual(TWELVE);
    expect(() => checkActionsFit(actions, { type: "so101_follower", port: "sim" })).toThrow(ReplayError);
    // Two seconds from rest stay within ±100 (units unknown): as if stats.json had told degrees.
    expect(() => checkActionsFit({ ...actions, units: "degrees", unitsEvidence: "as if" }, pair("bi_so_follower", { left: { port: "sim", useDegrees: false }, right: { port: "sim", useDegrees: false } })))
      .toThrow(/replay with --robot.left_arm_config.use_degrees=true --robot.right_arm_config.use_degrees=true/);
    const states = (await ds.readColumn("observation.state")).values as Float32Array;
    const replayed: Record<string, number>[] = [];
    const job = await replay({
      robot: pair("bi_so_follower"), actions, approachS: 0.5, readObservations: true, env: freshEnv(),
      onStep: (s) => { if (s.phase === "replaying") replayed.push(s.observation!); },
    });
    job.start();
    expect((await job.result).frames).toBe(60);
    for (const side of [0, 1]) {
      let sum = 0;
      let n = 0;
      for (let k = 10; k < 60; k++) {
        for (let j = 0; j < 6; j++) {
          sum += Math.abs(replayed[k]![TWELVE[side * 6 + j]!]! - states[k * 12 + side * 6 + j]!);
          n++;
        }
      }
      expect(sum / n, side ? "right" : "left").toBeLessThan(1);
    }
  }, 30_000);
});

describe("bimanual calibrate (process)", () => {
  it("calibrates the left arm, then the right, into <id>_left.json and <id>_right.json in calibration_dir", async () => {
    const env = freshEnv();
    const calibrationDir = path.join(dir, "my-calibrations");
    const prompts: CalibrationPrompt[] = [];
    const job = await calibrate({ arm: pair("bi_so_leader", { id: "duo", calibrationDir }), env, prompt: async (p) => { prompts.push(p); return ""; } });
    job.start();
    const result = answer(await job.result);
    expect(prompts.map((p) => `${p.side} ${p.phase}`)).toEqual(["left mid-pose", "left recording-ranges", "right mid-pose", "right recording-ranges"]);
    expect(prompts[0]!.message).toMatch(/Move so_leader 'duo_left' to the middle/);
    expect(result.left.file).toBe(path.join(calibrationDir, "duo_left.json"));
    expect(result.right.file).toBe(path.join(calibrationDir, "duo_right.json"));
    const truth = openSimulatedArm("leader").calibration;
    for (const side of ["left", "right"] as const) expect(readCalibrationFile(result[side].file, SO_MOTOR_NAMES), side).toEqual(truth);
    // Nothing in the default folder; and connecting with the same calibration_dir reads those files.
    expect(fs.existsSync(calibrationPath("teleoperators", "so_leader", "duo_left", env))).toBe(false);
    const arm = await connectArm(pair("bi_so_leader", { id: "duo", calibrationDir }), { env });
    expect(arm).toBeInstanceOf(BimanualArm);
    expect((arm as BimanualArm).left.calibrationSource).toBe(path.join(calibrationDir, "duo_left.json"));
    expect((arm as BimanualArm).right.calibrationSource).toBe(path.join(calibrationDir, "duo_right.json"));
    await arm.disconnect();
  }, 60_000);
});

describe("arm settings honoured by the bus and the motors", () => {
  it("num_read_retries: 0 fails on one corrupted reply, the default 2 rides over two", async () => {
    const strict = openSimulatedArm("follower");
    const noRetry = await SOArm.connect({ type: "so101_follower", port: "sim", numReadRetries: 0 }, { simulator: strict, env: freshEnv() });
    strict.transport.faults.corruptChecksum(3, 1);
    await expect(noRetry.readPositions()).rejects.toThrow(MotorChecksumError);
    await noRetry.disconnect();
    const lenient = openSimulatedArm("follower");
    const retrying = await SOArm.connect({ type: "so101_follower", port: "sim" }, { simulator: lenient, env: freshEnv() });
    lenient.transport.faults.corruptChecksum(3, 2);
    expect(Object.keys(await retrying.readPositions())).toHaveLength(6);
    await retrying.disconnect();
  });

  it("writes each follower's PID gains at connect (LeRobot's 16 / 0 / 32 by default), per side of a pair", async () => {
    const sims = { left: openSimulatedArm("follower"), right: openSimulatedArm("follower") };
    const arm = await connectArm(pair("bi_so_follower", {
      left: { port: "sim", positionPCoefficient: 20, positionICoefficient: 1, positionDCoefficient: 10 }, right: { port: "sim" },
    }), { env: freshEnv(), left: { simulator: sims.left }, right: { simulator: sims.right } });
    const gains = (side: "left" | "right") => {
      const servo = sims[side].transport.joint("elbow_flex").servo;
      return ["P_Coefficient", "I_Coefficient", "D_Coefficient"].map((r) => servo.readRegister(r as "P_Coefficient"));
    };
    expect(gains("left")).toEqual([20, 1, 10]);
    expect(gains("right")).toEqual([16, 0, 32]);
    await arm.disconnect();
  });
});

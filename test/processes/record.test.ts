/**
 * The record process with simulated arms, synthetic cameras and a real DatasetWriter: what is
 * stored is what the loop saw, video frame k is the camera frame of tick k, a re-recorded take
 * leaves nothing behind, and the dataset verifies.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDataset } from "../../src/dataset/reader.js";
import { DatasetWriter } from "../../src/dataset/writer.js";
import { readCounter } from "../../src/hardware/cameras/frame-counter.js";
import { openCamera } from "../../src/hardware/cameras/open-camera.js";
import { decodeSignMagnitude } from "../../src/hardware/feetech/control-table.js";
import { PacketParser } from "../../src/hardware/feetech/protocol.js";
import { normalizePosition } from "../../src/hardware/normalize.js";
import { openSimulatedArm } from "../../src/hardware/robots/sim-arm.js";
import { SO_MOTOR_NAMES } from "../../src/hardware/robots/types.js";
import { latenessSummary } from "../../src/processes/process.js";
import type { RecordTick } from "../../src/processes/record.js";
import { record, recordFeatures } from "../../src/processes/record.js";
import { verifyDataset } from "../../src/verify/verify.js";
import { tempDir } from "../helpers/synthetic.js";

const W = 320;
const H = 240;
const FPS = 30;
const dir = tempDir("lerobot-ts-record-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("record (process)", () => {
  it("stores what the loop saw: leader positions as action, frame k from tick k, only the second take of a re-record", async () => {
    const root = path.join(dir, "ds");
    const cameraConfigs = { front: { type: "synthetic", width: W, height: H, fps: FPS }, top: { type: "synthetic", width: W, height: H, fps: FPS } };
    const writer = await DatasetWriter.create({ root, repoId: "test/record", fps: FPS, robotType: "so101_follower", features: recordFeatures(cameraConfigs) });
    const leader = openSimulatedArm("leader");
    const ticks: RecordTick[] = [];
    const leaderGap: number[] = [];
    // The leader's positions exactly as its servos sent them: the sync-read replies on its line.
    let current: Record<number, number> = {};
    let lastRead: Record<number, number> | undefined;
    const replies = new PacketParser((p) => {
      if (p.params.length !== 2) return;
      current[p.id] = decodeSignMagnitude(p.params[0]! | (p.params[1]! << 8), 15);
      if (p.id === 6) { lastRead = current; current = {}; }
    });
    leader.transport.onData((chunk) => replies.push(chunk));
    let discarded = false;
    let job: Awaited<ReturnType<typeof record>> | undefined = undefined;
    job = await record({
      robot: { type: "so101_follower", port: "sim" },
      teleop: { type: "so101_leader", port: "sim" },
      connect: { teleop: { simulator: leader } },
      cameras: Object.fromEntries(Object.entries(cameraConfigs).map(([n, c]) => [n, openCamera(n, c)])),
      dataset: { fps: FPS, singleTask: "pick the cube", episodeTimeS: 1, resetTimeS: 0.3, numEpisodes: 2 },
      sink: writer,
      onTick: (t) => {
        ticks.push(t);
        // The action is the leader's positions of this tick, in LeRobot's units and names.
        SO_MOTOR_NAMES.forEach((m, j) => {
          const unit = m === "gripper" ? "range_0_100" : "degrees";
          leaderGap.push(Math.abs(normalizePosition(m, lastRead![j + 1]!, leader.calibration[m]!, unit) - t.action[`${m}.pos`]!));
        });
        // Throw the first take of episode 1 away halfway through.
        if (t.episode === 1 && t.frameIndex === 15 && !discarded) {
          discarded = true;
          job!.rerecordEpisode();
        }
      },
    });
    job.start();
    const result = await job.result;
    expect(result).toMatchObject({ episodesSaved: 2, framesSaved: 60, rerecorded: 1 });
    expect(Math.max(...leaderGap)).toBeLessThan(1e-9);

    const ds = await openDataset(root);
    expect(ds.episodes.map((e) => e.length)).toEqual([30, 30]);
    const stored = await ds.readColumns(["action", "observation.state", "frame_index"]);
    const recorded = ticks.filter((t) => t.frameIndex !== undefined);
    // The kept ticks: episode 0, then the second take of episode 1 (after the discarded one).
    const secondTakeStart = recorded.findLastIndex((t) => t.episode === 1 && t.frameIndex === 0);
    const kept = [...recorded.filter((t) => t.episode === 0), ...recorded.slice(secondTakeStart)];
    expect(kept).toHaveLength(60);
    // Per saved episode, the lateness of exactly its kept ticks (the discarded take and the resets left out).
    expect(result.episodes.map((e) => [e.episode, e.frames])).toEqual([[0, 30], [1, 30]]);
    for (const [e, episodeTicks] of [[0, kept.slice(0, 30)], [1, kept.slice(30)]] as const) {
      expect(result.episodes[e]!.latenessMs).toEqual(latenessSummary(episodeTicks.map((t) => t.lateMs)));
      expect(result.episodes[e]!.firstSecondLatenessMs).toEqual(latenessSummary(episodeTicks.slice(0, FPS).map((t) => t.lateMs)));
    }
    expect(result.episodes[0]!.overruns + result.episodes[1]!.overruns).toBeLessThanOrEqual(result.overruns);
    kept.forEach((t, row) => {
      SO_MOTOR_NAMES.forEach((m, j) => {
        expect(stored.action!.values[row * 6 + j]).toBeCloseTo(t.action[`${m}.pos`]!, 4);
        expect(stored["observation.state"]!.values[row * 6 + j]).toBeCloseTo(t.observation[`${m}.pos`]!, 4);
      });
    });
    // Video frame k shows the counter of the camera frame taken at tick k; the discarded take's frames are gone.
    const discardedSequences = recorded.filter((t, i) => t.episode === 1 && i < secondTakeStart).map((t) => t.cameraSequences.front!);
    for (const [e, episodeTicks] of [[0, kept.slice(0, 30)], [1, kept.slice(30)]] as const) {
      for (const k of [0, 1, 14, 29]) {
        for (const camera of ["front", "top"]) {
          const frame = await ds.decodeFrame(`observation.images.${camera}`, e, k);
          expect(readCounter(frame.data, W, H, 1)[0], `episode ${e} frame ${k} ${camera}`).toBe(episodeTicks[k]!.cameraSequences[camera]);
        }
      }
    }
    expect(Math.min(...kept.slice(30).map((t) => t.cameraSequences.front!))).toBeGreaterThan(Math.max(...discardedSequences));
    // Late frames depend on the machine's load: they must be counted, whatever their number.
    expect(Object.keys(result.lateFrames)).toEqual(["front", "top"]);
    const report = await verifyDataset(root, { deep: true });
    expect(report.summary.errors, JSON.stringify(report.findings)).toBe(0);
  }, 60_000);
});

describe("record when hardware fails", () => {
  const cameraConfigs = { front: { type: "synthetic", width: 160, height: 120, fps: FPS } };

  async function recordUntil(name: string, fail: (ctx: { follower: ReturnType<typeof openSimulatedArm>; camera: ReturnType<typeof openCamera> }) => void) {
    const root = path.join(dir, name);
    const writer = await DatasetWriter.create({ root, repoId: "test/fail", fps: FPS, robotType: "so101_follower", features: recordFeatures(cameraConfigs) });
    const follower = openSimulatedArm("follower");
    const camera = openCamera("front", cameraConfigs.front);
    let failed = false;
    const job = await record({
      robot: { type: "so101_follower", port: "sim" }, teleop: { type: "so101_leader", port: "sim" },
      connect: { robot: { simulator: follower } },
      cameras: { front: camera },
      dataset: { fps: FPS, singleTask: "t", episodeTimeS: 0.5, resetTimeS: 0.1, numEpisodes: 10 },
      sink: writer,
      // Two episodes saved, then the fault in the middle of the third.
      onTick: (t) => { if (t.episode === 2 && t.frameIndex === 5 && !failed) { failed = true; fail({ follower, camera }); } },
    });
    job.start();
    const error = await job.result.catch((e: unknown) => e);
    return { root, error: error as Error, state: job.getState() };
  }

  it("a camera that dies ends the recording with its name; the episodes saved before stay valid", async () => {
    const { root, error, state } = await recordUntil("camera-dies", ({ camera }) => process.kill((camera as unknown as { pid: number }).pid, "SIGKILL"));
    expect(error.message).toMatch(/camera 'front'/);
    expect(state.phase).toBe("failed");
    const ds = await openDataset(root);
    expect(ds.numEpisodes).toBe(2);
    expect((await verifyDataset(root)).summary.errors).toBe(0);
  }, 30_000);

  it("a follower that stops answering ends it naming the motor; the episodes saved before stay valid", async () => {
    const { root, error } = await recordUntil("follower-silent", ({ follower }) => { for (let id = 1; id <= 6; id++) follower.transport.faults.noReply(id); });
    expect(error.message).toMatch(/motor 'shoulder_pan' \(id 1\) did not answer on sim/);
    expect((await openDataset(root)).numEpisodes).toBe(2);
    expect((await verifyDataset(root)).summary.errors).toBe(0);
  }, 30_000);
});

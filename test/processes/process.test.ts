/**
 * The process contract (src/processes/process.ts), rule by rule, against every process: record,
 * replay, teleoperate, calibrate, calibrateTest and findPort, on simulated arms (their real
 * protocol), a synthetic camera and an in-memory sink. Every wait is on an event (a state
 * update), never a fixed sleep. Then process.ts's own helpers; the lifecycle and the clock have
 * their own files.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Frame } from "../../src/dataset/writer.js";
import { openCamera } from "../../src/hardware/cameras/open-camera.js";
import type { SyntheticCamera } from "../../src/hardware/cameras/synthetic-camera.js";
import type { PortInfo } from "../../src/hardware/ports.js";
import type { SimulatedArm } from "../../src/hardware/robots/sim-arm.js";
import { openSimulatedArm } from "../../src/hardware/robots/sim-arm.js";
import { SO_POSITION_NAMES } from "../../src/hardware/robots/types.js";
import { calibrateTest } from "../../src/processes/calibrate-test.js";
import { calibrate } from "../../src/processes/calibrate.js";
import { findPort } from "../../src/processes/find-port.js";
import type { HardwareProcess, ProcessState } from "../../src/processes/process.js";
import { STOPPED, deferred, isStopped, latenessSummary } from "../../src/processes/process.js";
import type { RecordSink } from "../../src/processes/record.js";
import { record } from "../../src/processes/record.js";
import { replay } from "../../src/processes/replay.js";
import { teleoperate } from "../../src/processes/teleoperate.js";
import { tempDir } from "../helpers/synthetic.js";

const dir = tempDir("lerobot-ts-contract-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let count = 0;
const fresh = (name: string) => path.join(dir, `${name}-${count++}`);
const freshEnv = () => ({ HF_LEROBOT_HOME: fresh("home") }) as NodeJS.ProcessEnv;

const TERMINAL = ["done", "stopped", "failed"];
const ZERO_LATENESS = { p50: 0, p99: 0, max: 0 };

/** A process under test, with the devices it opened and what it reported. */
interface Subject {
  job: HardwareProcess<ProcessState, unknown>;
  /** The simulated arms it drives (none for findPort). */
  arms: SimulatedArm[];
  states: ProcessState[];
  /** Resolves at the first state update of its working phase (mid-work, where stop and faults land). */
  working: Promise<void>;
  /** Whether every device was released when the terminal phase was reported (undefined before). */
  releasedAtEnd(): boolean | undefined;
}

interface Kind {
  name: string;
  /** result after stop() before start() (rule 3 and 4). */
  stoppedBeforeStart: unknown;
  /** Its result is an answer (STOPPED when stopped), not a count of work done (rule 4). */
  answers: boolean;
  make(): Promise<Subject>;
}

const alive = (pid: number | undefined) => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** State updates recorded, the working phase noticed, and the devices checked at the terminal update. */
function observe(arms: SimulatedArm[], isWorking: (state: ProcessState) => boolean, camera?: SyntheticCamera) {
  const states: ProcessState[] = [];
  let releasedAtEnd: boolean | undefined;
  let markWorking!: () => void;
  const working = new Promise<void>((resolve) => { markWorking = resolve; });
  const onStateUpdate = (state: ProcessState) => {
    states.push(state);
    if (isWorking(state)) markWorking();
    if (TERMINAL.includes(state.phase)) releasedAtEnd = arms.every((a) => !a.transport.isOpen) && !alive(camera?.pid);
  };
  return { states, working, onStateUpdate, releasedAtEnd: () => releasedAtEnd };
}

/** Frames kept in memory: what a library user without a dataset would give record. */
class MemorySink implements RecordSink {
  frames: Frame[] = [];
  episodes = 0;
  async addFrame(frame: Frame) { this.frames.push(frame); }
  async saveEpisode() { this.episodes++; }
  async discardEpisode() { this.frames = []; }
  async finalize() {}
}

/** One pose held for `frames` frames, in degrees (the gripper 0..100). */
const still = (frames: number) => ({
  names: [...SO_POSITION_NAMES], fps: 30, units: undefined, unitsEvidence: undefined,
  rows: Array.from({ length: frames }, () => SO_POSITION_NAMES.map((n) => (n === "gripper.pos" ? 50 : 0))),
});

const A: PortInfo = { path: "/dev/ttyACM0" };
const never = <T>() => new Promise<T>(() => {});

const kinds: Kind[] = [
  {
    name: "record", answers: false,
    stoppedBeforeStart: { episodesSaved: 0, framesSaved: 0, rerecorded: 0, overruns: 0, lateFrames: { front: 0 }, latenessMs: ZERO_LATENESS, savePausesMs: [], maxBacklog: 0, episodes: [] },
    async make() {
      const arms = [openSimulatedArm("leader"), openSimulatedArm("follower")];
      const camera = openCamera("front", { type: "synthetic", width: 64, height: 48, fps: 30 }) as SyntheticCamera;
      const o = observe(arms, (s) => s.phase === "recording", camera);
      const job = await record({
        robot: { type: "so101_follower", port: "sim" }, teleop: { type: "so101_leader", port: "sim" }, env: freshEnv(),
        connect: { teleop: { simulator: arms[0]! }, robot: { simulator: arms[1]! } },
        cameras: { front: camera }, sink: new MemorySink(), onStateUpdate: o.onStateUpdate,
        dataset: { fps: 30, singleTask: "t", episodeTimeS: 600, resetTimeS: 0, numEpisodes: 1 },
      });
      return { job, arms, ...o };
    },
  },
  {
    name: "teleoperate", answers: false,
    stoppedBeforeStart: { ticks: 0, durationS: 0, rateHz: 0, latenessMs: ZERO_LATENESS },
    async make() {
      const arms = [openSimulatedArm("leader"), openSimulatedArm("follower")];
      const o = observe(arms, (s) => s.phase === "running");
      const job = await teleoperate({
        robot: { type: "so101_follower", port: "sim" }, teleop: { type: "so101_leader", port: "sim" }, fps: 30, env: freshEnv(),
        connect: { teleop: { simulator: arms[0]! }, robot: { simulator: arms[1]! } }, onStateUpdate: o.onStateUpdate,
      });
      return { job, arms, ...o };
    },
  },
  {
    name: "replay", answers: false,
    stoppedBeforeStart: { frames: 0, durationS: 0, latenessMs: ZERO_LATENESS },
    async make() {
      const arms = [openSimulatedArm("follower")];
      const o = observe(arms, (s) => s.phase === "approaching");
      const job = await replay({
        robot: { type: "so101_follower", port: "sim" }, actions: still(900), approachS: 10, env: freshEnv(),
        connect: { simulator: arms[0]! }, onStateUpdate: o.onStateUpdate,
      });
      return { job, arms, ...o };
    },
  },
  {
    name: "calibrate", answers: true, stoppedBeforeStart: { stopped: true },
    async make() {
      const arms = [openSimulatedArm("follower")];
      const o = observe(arms, (s) => s.phase === "mid-pose");
      // The person never presses Enter.
      const job = await calibrate({
        arm: { type: "so101_follower", port: "sim", id: "contract" }, env: freshEnv(), connect: { simulator: arms[0]! },
        prompt: never, onStateUpdate: o.onStateUpdate,
      });
      return { job, arms, ...o };
    },
  },
  {
    name: "calibrateTest", answers: true, stoppedBeforeStart: { stopped: true },
    async make() {
      const arms = [openSimulatedArm("follower")];
      const o = observe(arms, (s) => s.phase === "recording");
      const job = await calibrateTest({
        robot: { type: "so101_follower", port: "sim", id: "contract" }, root: fresh("cal-test"), repoId: "t/contract", env: freshEnv(),
        episodeS: 60, approachS: 10, connect: { simulator: arms[0]! }, onStateUpdate: o.onStateUpdate,
      });
      return { job, arms, ...o };
    },
  },
  {
    name: "findPort", answers: true, stoppedBeforeStart: { stopped: true },
    async make() {
      const o = observe([], (s) => s.phase === "waiting-for-unplug");
      // The person never unplugs the cable.
      const job = await findPort({ listPorts: async () => [A], waitForUser: never, settleMs: 0, onStateUpdate: o.onStateUpdate });
      return { job, arms: [], ...o };
    },
  },
];

const terminalUpdates = (s: Subject) => s.states.filter((state) => TERMINAL.includes(state.phase));

describe.each(kinds)("$name follows the process contract", (kind) => {
  it("starts in 'ready'; stop() before start() releases everything, reports 'stopped' once, resolves with the stopped result; start() after it does nothing", async () => {
    const s = await kind.make();
    expect(s.job.getState().phase).toBe("ready");
    s.job.stop();
    s.job.stop();
    expect(await s.job.result).toEqual(kind.stoppedBeforeStart);
    s.job.start();
    expect(s.job.getState().phase).toBe("stopped");
    expect(s.states.map((state) => state.phase)).toEqual(["stopped"]);
    expect(s.releasedAtEnd()).toBe(true);
  }, 30_000);

  it("stop() while working ends it at its next safe point: resolves, 'stopped' is the last update, devices released by then", async () => {
    const s = await kind.make();
    s.job.start();
    s.job.start();
    await s.working;
    s.job.stop();
    s.job.stop();
    const result = await s.job.result;
    if (kind.answers) {
      expect(result).toEqual({ stopped: true });
    } else {
      // What was done so far, with the tick lateness of rule 7.
      expect(Object.keys((result as { latenessMs: object }).latenessMs).sort()).toEqual(["max", "p50", "p99"]);
    }
    expect(s.job.getState().phase).toBe("stopped");
    expect(terminalUpdates(s).map((state) => state.phase)).toEqual(["stopped"]);
    expect(s.states.at(-1)!.phase).toBe("stopped");
    expect(s.releasedAtEnd()).toBe(true);
  }, 30_000);
});

describe.each(kinds.filter((k) => k.name !== "findPort"))("$name fails at once when an arm's cable is pulled", (kind) => {
  it("while working: rejects naming the arm, 'failed' with the message, devices released", async () => {
    const s = await kind.make();
    s.job.start();
    await s.working;
    s.arms[0]!.transport.faults.disconnect();
    await expect(s.job.result).rejects.toThrow(/arm on sim was lost/);
    expect(s.job.getState()).toMatchObject({ phase: "failed", error: expect.stringMatching(/arm on sim was lost/) });
    expect(terminalUpdates(s).map((state) => state.phase)).toEqual(["failed"]);
    expect(s.releasedAtEnd()).toBe(true);
    // Stopping a failed process changes nothing.
    s.job.stop();
    expect(s.job.getState().phase).toBe("failed");
  }, 30_000);

  it("before start(): fails without waiting for start()", async () => {
    const s = await kind.make();
    s.arms.at(-1)!.transport.faults.disconnect();
    await expect(s.job.result).rejects.toThrow(/arm on sim was lost/);
    expect(s.job.getState().phase).toBe("failed");
    expect(s.releasedAtEnd()).toBe(true);
  }, 30_000);
});

describe("STOPPED and isStopped", () => {
  it("mark the result of a process stopped before its answer, and only that", () => {
    expect(isStopped(STOPPED)).toBe(true);
    expect(Object.isFrozen(STOPPED)).toBe(true);
    expect(isStopped({ stopped: true })).toBe(true);
    for (const answer of [undefined, null, 0, "stopped", { stopped: false }, { stopped: "yes" }, { file: "x.json" }]) expect(isStopped(answer)).toBe(false);
  });
});

describe("deferred", () => {
  it("settles its promise from outside, and a rejection nobody awaits is not unhandled", async () => {
    const ok = deferred<number>();
    ok.resolve(3);
    expect(await ok.promise).toBe(3);
    const failed = deferred<number>();
    failed.reject(new Error("lost"));
    // Had deferred not handled it, vitest would report an unhandled rejection here.
    await new Promise((resolve) => setImmediate(resolve));
    await expect(failed.promise).rejects.toThrow("lost");
  });
});

describe("latenessSummary", () => {
  it("gives p50, p99 and max of the samples, in any order", () => {
    const samples = Array.from({ length: 100 }, (_, i) => 99 - i); // 0..99 reversed
    expect(latenessSummary(samples)).toEqual({ p50: 50, p99: 99, max: 99 });
    expect(samples[0]).toBe(99); // the caller's array is left as it was
    expect(latenessSummary([4, 1, 2])).toEqual({ p50: 2, p99: 4, max: 4 });
  });

  it("gives zeros for a run with no tick", () => {
    expect(latenessSummary([])).toEqual({ p50: 0, p99: 0, max: 0 });
  });
});

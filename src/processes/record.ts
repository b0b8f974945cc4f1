/**
 * record(config): LeRobot's record loop as a process object. One clock at `fps`: every tick reads
 * the follower (observation.state), reads the leader (action), sends the action to the follower
 * and takes the latest frame of each camera; while an episode is recorded, that is one frame of
 * the dataset (timestamp = frame_index / fps). Phases as LeRobot: record `episodeTimeS`, then
 * reset `resetTimeS` (teleoperation goes on, nothing is kept; no reset after the last episode).
 * Saving runs during the reset, so the loop does not pause for it. A re-recorded take is discarded
 * whole (its video clip included) before the next take starts.
 */
import type { Frame } from "../dataset/index.js";
import type { Camera, CameraConfig, ArmConfig, ArmConnectOptions } from "../hardware/index.js";
import { CameraError, SO_POSITION_NAMES } from "../hardware/index.js";
import { connectLeaderThenFollower } from "./connect-arms.js";
import { lifecycle } from "./lifecycle.js";
import { PacedClock } from "./paced-clock.js";
import type { HardwareProcess, LatenessSummary } from "./process.js";
import { latenessSummary } from "./process.js";

/** Where recorded frames go. DatasetWriter is one; a library user may keep frames in memory instead. */
export interface RecordSink {
  /**
   * Optional: get ready for the next episode (DatasetWriter starts its encoders), one piece per
   * call when `oneAtATime`; resolves true when ready. The loop calls it between ticks.
   */
  prepareEpisode?(options?: { oneAtATime?: boolean }): Promise<boolean | void>;
  /** Optional: when present, the loop sets it false and prepares episodes itself (DatasetWriter). */
  prestartEncoders?: boolean;
  /** Take one frame of the episode in progress (keys: task, action, observation.state, observation.images.<camera>). */
  addFrame(frame: Frame): Promise<void>;
  /** Keep the frames added since the last save or discard as one episode. */
  saveEpisode(): Promise<unknown>;
  /** Drop the frames added since the last save or discard (a re-recorded take). */
  discardEpisode(): Promise<void>;
  /** Called once when the run ends, however it ends. */
  finalize(): Promise<unknown>;
}

/** The recording's dataset settings, LeRobot's `--dataset.*` (DatasetRecordConfig) in camelCase. */
export interface RecordDatasetConfig {
  /** Loop and dataset rate (default 30). */
  fps?: number;
  /** The task text of every frame (LeRobot's single_task). */
  singleTask: string;
  /** Seconds of each episode (LeRobot default 60). */
  episodeTimeS?: number;
  /** Seconds of reset between episodes (LeRobot default 60). */
  resetTimeS?: number;
  /** Episodes to record (LeRobot default 50); with a resumed sink, episodes to add. */
  numEpisodes?: number;
}

/** A record process's phase: recording a take, resetting between takes, saving the last one, then a terminal phase. */
export type RecordPhase = "ready" | "recording" | "resetting" | "saving" | "done" | "stopped" | "failed";

/** What record reports through onStateUpdate and getState(). */
export interface RecordState {
  phase: RecordPhase;
  /** Episode being recorded (counting from the first one of this run). */
  episode: number;
  /** Episodes saved so far in this run. */
  episodesSaved: number;
  /** Frames of the current take. */
  frames: number;
  /** Seconds into the current phase. */
  phaseElapsedS: number;
  /** Achieved loop rate over the last second. */
  loopHz: number;
  /** Ticks whose work ran past the next tick's time. */
  overruns: number;
  /** Per camera: ticks that got no new frame (the previous one was repeated). */
  lateFrames: Record<string, number>;
  /** Takes thrown away by rerecordEpisode(). */
  rerecorded: number;
  /** The message of the error that failed the run. */
  error: string | undefined;
}

/** One tick of the loop, given to onTick (recording or resetting). */
export interface RecordTick {
  /** Ticks since start(), from 0. */
  tick: number;
  phase: RecordPhase;
  episode: number;
  /** frame_index in the episode when recording, else undefined. */
  frameIndex: number | undefined;
  /** The follower's positions read this tick (observation.state). */
  observation: Record<string, number>;
  /** The leader's positions, sent to the follower (action). */
  action: Record<string, number>;
  /** Per camera: the camera frame sequence used (a repeat means the camera was late). */
  cameraSequences: Record<string, number>;
  /** performance.now() when the tick started its work, and how late that was against its slot, ms. */
  startedAtMs: number;
  lateMs: number;
}

/** Timing of one saved episode's recording ticks (the reset between takes is not counted). */
export interface EpisodeTiming {
  episode: number;
  frames: number;
  /** Ticks of the take whose work ran past the next tick's time. */
  overruns: number;
  /** Tick start lateness (ms) over the take. */
  latenessMs: LatenessSummary;
  /** The same over the take's first second, where start-up costs show. */
  firstSecondLatenessMs: LatenessSummary;
}

/** What a record run did; a run stopped before start() gives zeros. */
export interface RecordResult {
  /** Episodes given to sink.saveEpisode(). */
  episodesSaved: number;
  /** Frames in those episodes. */
  framesSaved: number;
  /** Takes thrown away by rerecordEpisode(). */
  rerecorded: number;
  /** Ticks whose work ran past the next tick's slot. */
  overruns: number;
  /** Per camera: ticks that got no new frame (the previous one was repeated). */
  lateFrames: Record<string, number>;
  /** Tick start lateness (ms) over the whole run. */
  latenessMs: LatenessSummary;
  /** Per saved episode: how long the loop waited for its save after the reset (ms). */
  savePausesMs: number[];
  /** Most frames waiting for the sink at once (the sink is fed off the tick, in order). */
  maxBacklog: number;
  /** Per saved episode, in order: its ticks' overruns and lateness. */
  episodes: EpisodeTiming[];
}

/** Configuration of record(): LeRobot's RecordConfig with cameras opened by the caller and a sink instead of a dataset. */
export interface RecordConfig {
  /** The follower: one SO arm, or a bi_so_follower pair (then the leader is a bi_so_leader pair). */
  robot: ArmConfig;
  /** The leader whose positions become the actions. */
  teleop: ArmConfig;
  /**
   * Cameras by name (LeRobot's `--robot.cameras`); each frame key is observation.images.<name>.
   * For a bimanual robot, name them as LeRobot does with bimanualCameras().
   */
  cameras: Record<string, Camera>;
  dataset: RecordDatasetConfig;
  /** Where frames go: a DatasetWriter, a ThreadedDatasetWriter, or any RecordSink. */
  sink: RecordSink;
  /** Called on every change of phase, episode or counters. */
  onStateUpdate?: (state: RecordState) => void;
  /** Called after every tick. */
  onTick?: (tick: RecordTick) => void;
  /** Lines connecting arms print (calibration written, simulator used). */
  log?: (line: string) => void;
  /** Environment for the calibration folder (HF_LEROBOT_CALIBRATION, HF_LEROBOT_HOME, HF_HOME). */
  env?: NodeJS.ProcessEnv;
  /** Connection options per arm (an injected transport or simulated arm, a calibration prompt). */
  connect?: { robot?: ArmConnectOptions; teleop?: ArmConnectOptions };
}

/** The record process object: the contract of processes/process.ts, plus LeRobot's episode keys. */
export interface RecordProcess extends HardwareProcess<RecordState, RecordResult> {
  /** End the current episode now and keep it (LeRobot's right arrow). */
  endEpisode(): void;
  /** Throw the current take away and record it again after a reset (LeRobot's left arrow). */
  rerecordEpisode(): void;
}

/**
 * The dataset features a record of these arms and cameras produces (LeRobot's names and shapes).
 * `joints`: the robot's position keys (armPositionNames(type); one SO arm's six by default).
 */
export function recordFeatures(
  cameras: Record<string, Pick<CameraConfig, "width" | "height">>, joints: string[] = SO_POSITION_NAMES,
): Record<string, { dtype: string; shape: number[]; names: string[] }> {
  const features: Record<string, { dtype: string; shape: number[]; names: string[] }> = {
    action: { dtype: "float32", shape: [joints.length], names: joints },
    "observation.state": { dtype: "float32", shape: [joints.length], names: joints },
  };
  for (const [name, c] of Object.entries(cameras)) {
    features[`observation.images.${name}`] = { dtype: "video", shape: [c.height, c.width, 3], names: ["height", "width", "channels"] };
  }
  return features;
}

/** A camera whose newest frame is older than this has stopped delivering. */
const STALE_FRAME_MS = 1000;

/**
 * Record demonstrations, as LeRobot's record_loop (lerobot/scripts/lerobot_record.py), as a process
 * object whose contract is processes/process.ts. Resolves once prepared: leader then follower
 * connected (connectArm: the follower's torque goes on) and every camera started; nothing moves
 * before start(). Rejects with RangeError for a bad fps, episodeTimeS, resetTimeS or numEpisodes,
 * and with what connectArm or Camera.start reject with, having released what it opened.
 * Frames go to `config.sink` (saveEpisode during the reset, finalize once at the end, also when
 * stopped or failed; the take in progress is discarded on failure). `result` resolves with
 * RecordResult, or rejects with the error that ended the run: a lost arm, a camera that stopped
 * delivering, a sink that failed or fell too far behind.
 */
export async function record(config: RecordConfig): Promise<RecordProcess> {
  const fps = config.dataset.fps ?? 30;
  const episodeFrames = Math.round((config.dataset.episodeTimeS ?? 60) * fps);
  const resetTicks = Math.round((config.dataset.resetTimeS ?? 60) * fps);
  const numEpisodes = config.dataset.numEpisodes ?? 50;
  if (!(fps > 0) || episodeFrames < 1 || resetTicks < 0 || !(numEpisodes >= 1)) {
    throw new RangeError(`record needs fps > 0, episodeTimeS >= 1 / fps, resetTimeS >= 0 and numEpisodes >= 1`);
  }
  const { leader, follower } = await connectLeaderThenFollower(config);
  const cameras = Object.entries(config.cameras);
  try {
    await Promise.all(cameras.map(([, camera]) => camera.start()));
  } catch (error) {
    await Promise.all([leader.disconnect(), follower.disconnect(), ...cameras.map(([, c]) => c.stop().catch(() => {}))]);
    throw error;
  }

  const shutdown = async () => {
    await Promise.all([follower.disconnect(), leader.disconnect(), ...cameras.map(([, c]) => c.stop().catch(() => {}))]);
  };
  const lc = lifecycle<RecordState, RecordResult>({
    state: {
      phase: "ready", episode: 0, episodesSaved: 0, frames: 0, phaseElapsedS: 0, loopHz: 0, overruns: 0,
      lateFrames: Object.fromEntries(cameras.map(([name]) => [name, 0])), rerecorded: 0, error: undefined,
    },
    onStateUpdate: config.onStateUpdate,
    copy: (s) => ({ ...s, lateFrames: { ...s.lateFrames } }),
    run: (): Promise<RecordResult> => run(),
    release: shutdown,
    stoppedResult: async (): Promise<RecordResult> => {
      await config.sink.finalize();
      return { episodesSaved: 0, framesSaved: 0, rerecorded: 0, overruns: 0, lateFrames: { ...state.lateFrames }, latenessMs: { p50: 0, p99: 0, max: 0 }, savePausesMs: [], maxBacklog: 0, episodes: [] };
    },
    cleanUpAfterFailure: async () => {
      await writing.catch(() => {});
      // What was saved stays saved; the take in progress is dropped.
      await config.sink.discardEpisode().catch(() => {});
      await config.sink.finalize().catch(() => {});
    },
  });
  const { state, update } = lc;
  // A failure wakes a sleeping tick; a stop lets the tick in progress finish.
  const clock = new PacedClock(fps, lc.failureSignal);

  const savePausesMs: number[] = [];
  // The current take's tick lateness and overruns; summarised when the take is saved.
  let takeLateness: number[] = [];
  let takeOverruns = 0;
  const episodeTimings: EpisodeTiming[] = [];
  const lastSequence = new Map<string, number>();
  const recentTicks: number[] = [];
  let framesSaved = 0;
  let endRequested = false;
  let rerecordRequested = false;
  // Frames go to the sink off the tick, in order: a busy encoder delays writing, never the clock.
  let writing: Promise<void> = Promise.resolve();
  let backlog = 0;
  let maxBacklog = 0;
  const maxBacklogAllowed = Math.max(2 * fps, 30);
  const enqueue = (frame: Frame) => {
    backlog++;
    maxBacklog = Math.max(maxBacklog, backlog);
    if (backlog > maxBacklogAllowed) {
      lc.fail(new Error(`the dataset writer fell ${backlog} frames behind: the video encoder cannot keep up with these cameras; lower their resolution or fps, or use --dataset.vcodec=libx264`));
    }
    writing = writing.then(() => config.sink.addFrame(frame)).then(
      () => { backlog--; recycle(frame); },
      (error: unknown) => { backlog--; lc.fail(error); },
    );
  };
  // Frame copies come from a pool and go back once the sink has taken them: at 2 x 640x480 x 30 fps,
  // a fresh copy per tick is 55 MB/s of garbage, and collecting it stalls the clock.
  const pool = new Map<number, Uint8Array[]>();
  const copyFrame = (data: Uint8Array): Uint8Array => {
    const copy = pool.get(data.length)?.pop() ?? new Uint8Array(data.length);
    copy.set(data);
    return copy;
  };
  const recycle = (frame: Frame) => {
    for (const [key, value] of Object.entries(frame)) {
      if (!key.startsWith("observation.images.") || !(value instanceof Uint8Array)) continue;
      const free = pool.get(value.length) ?? [];
      free.push(value);
      pool.set(value.length, free);
    }
  };
  /** Every queued frame handed to the sink (before a save or discard). */
  const drained = async () => {
    await writing;
    lc.throwIfFailed();
  };
  // The dataset's action and observation.state columns, in the follower's order.
  const joints = follower.positionNames;

  /** Run one tick at its slot on the clock. */
  const tick = async (phase: RecordPhase, frameIndex: number | undefined): Promise<void> => {
    // The clock is interrupted by a failure only.
    if (!(await clock.waitForSlot())) return lc.throwIfFailed();
    const { startedAtMs, lateMs } = clock;
    if (frameIndex !== undefined) takeLateness.push(lateMs);
    const observation = await follower.readPositions();
    const action = await leader.readPositions();
    await follower.sendAction(action);
    const cameraSequences: Record<string, number> = {};
    const images: Record<string, Uint8Array> = {};
    const now = performance.now();
    for (const [name, camera] of cameras) {
      const frame = camera.latest();
      if (!frame || now - frame.receivedAtMs > STALE_FRAME_MS) {
        throw new CameraError(`camera '${name}' delivered no frame for ${frame ? ((now - frame.receivedAtMs) / 1000).toFixed(1) : "?"} s ` +
          "(USB bandwidth: put cameras on different USB buses (lsusb -t), or lower fps or resolution)", name);
      }
      // A repeat is counted, never hidden: the camera had no newer frame at this tick.
      if (lastSequence.get(name) === frame.sequence) state.lateFrames[name]! += 1;
      lastSequence.set(name, frame.sequence);
      cameraSequences[name] = frame.sequence;
      // Copied: the camera reuses its buffer, and the frame waits in the sink's queue.
      images[`observation.images.${name}`] = copyFrame(frame.data);
    }
    if (frameIndex !== undefined) {
      enqueue({ task: config.dataset.singleTask, action: joints.map((n) => action[n]!), "observation.state": joints.map((n) => observation[n]!), ...images } as Frame);
    }
    const slot = clock.slot;
    const done = performance.now();
    // Work that ran past the next slot is an overrun; the slots it covered are skipped.
    if (clock.endTick(done)) {
      state.overruns = clock.overruns;
      if (frameIndex !== undefined) takeOverruns++;
    }
    recentTicks.push(done);
    while (recentTicks[0]! < done - 1000) recentTicks.shift();
    state.loopHz = recentTicks.length;
    config.onTick?.({ tick: slot, phase, episode: state.episode, frameIndex, observation, action, cameraSequences, startedAtMs, lateMs });
  };

  /** Ticks of one phase: `ticks` of them, or until asked to end. */
  const runPhase = async (phase: RecordPhase, ticks: number, recording: boolean): Promise<number> => {
    update({ phase, phaseElapsedS: 0, frames: 0 });
    let k = 0;
    while (k < ticks && !lc.stopping && !(recording && (endRequested || rerecordRequested)) && !(!recording && endRequested)) {
      await tick(phase, recording ? k : undefined);
      k++;
      if (!recording && saveDone) await prepareBetweenTicks();
      if (recording) state.frames = k;
      state.phaseElapsedS = k / fps;
      if (k % Math.max(1, Math.round(fps / 10)) === 0) update({});
    }
    return k;
  };

  // Starting a process blocks Node for 20-50 ms: the loop starts the sink's encoders itself, one
  // right after a tick, where the slack until the next slot absorbs it.
  if ("prestartEncoders" in config.sink) config.sink.prestartEncoders = false;
  let prepared = false;
  /** No save in flight: the sink is free to start the next episode's encoders. */
  let saveDone = true;
  const prepareBetweenTicks = async () => {
    if (prepared || !config.sink.prepareEpisode) return;
    prepared = (await config.sink.prepareEpisode({ oneAtATime: true })) !== false;
  };

  const run = async (): Promise<RecordResult> => {
    // The first episode's encoders start before the clock does.
    await config.sink.prepareEpisode?.();
    clock.start();
    while (state.episodesSaved < numEpisodes && !lc.stopping) {
      endRequested = false;
      rerecordRequested = false;
      while (!prepared && config.sink.prepareEpisode) await prepareBetweenTicks();
      prepared = false;
      takeLateness = [];
      takeOverruns = 0;
      const frames = await runPhase("recording", episodeFrames, true);
      await drained();
      if (rerecordRequested) {
        await config.sink.discardEpisode();
        update({ rerecorded: state.rerecorded + 1 });
        config.log?.(`re-recording episode ${state.episode}`);
        endRequested = false;
        if (!lc.stopping) await runPhase("resetting", resetTicks, false);
        continue;
      }
      if (frames === 0) break; // stopped before the first frame: nothing to keep
      episodeTimings.push({
        episode: state.episodesSaved, frames, overruns: takeOverruns,
        latenessMs: latenessSummary(takeLateness), firstSecondLatenessMs: latenessSummary(takeLateness.slice(0, Math.ceil(fps))),
      });
      // The save runs while the person resets the scene; the loop only waits for what is left of it.
      saveDone = false;
      const saving = config.sink.saveEpisode().then(() => {
        saveDone = true;
        framesSaved += frames;
        update({ episodesSaved: state.episodesSaved + 1 });
      });
      saving.catch(() => {});
      const last = state.episodesSaved + 1 >= numEpisodes;
      update({ episode: state.episode + 1 });
      if (!last && !lc.stopping) {
        endRequested = false;
        await runPhase("resetting", resetTicks, false);
        if (rerecordRequested) config.log?.("episode already saved: re-record works while an episode is being recorded");
      }
      const waitStart = performance.now();
      update({ phase: "saving" });
      await saving;
      savePausesMs.push(performance.now() - waitStart);
    }
    await config.sink.finalize();
    return {
      episodesSaved: state.episodesSaved, framesSaved, rerecorded: state.rerecorded, overruns: state.overruns,
      lateFrames: { ...state.lateFrames }, latenessMs: latenessSummary(clock.lateness), savePausesMs, maxBacklog, episodes: episodeTimings,
    };
  };

  for (const [name, camera] of cameras) camera.onError((error) => lc.fail(new CameraError(`camera '${name}' stopped: ${error.message}`, name)));
  lc.watchArms([leader, follower]);

  return {
    ...lc.process,
    endEpisode() {
      endRequested = true;
    },
    rerecordEpisode() {
      rerecordRequested = true;
    },
  };
}

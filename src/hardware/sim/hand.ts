/**
 * The scripted hand that moves a simulated arm whose torque is off: a leader arm being
 * teleoperated, or an arm being calibrated. Its pose is a pure function of the chain's clock
 * since the current mode began, evaluated lazily when the chain executes a packet, so runs are
 * repeatable and need no timer. Joints with torque on resist it (their servo refuses the move).
 */
import type { JointDriver, SimulatedChain } from "./chain.js";

/** What the hand is doing; set by the methods of the same names. */
export type HandMode = "idle" | "teleoperate" | "calibrationMidPose" | "calibrationSweep" | "hold";

/** Where the hand is in its current mode (SimulatedHand.progress). */
export interface HandProgress {
  mode: HandMode;
  /** Time since the mode began, in ms. */
  elapsedMs: number;
  /** A calibration sweep has taken every joint to both of its stops. */
  sweepDone: boolean;
  /** The joint the sweep is moving now. */
  sweepJoint: string | undefined;
}

/** Encoder steps per joint, in chain order. */
type Pose = number[];
type Trajectory = (elapsedMs: number) => Pose;
/** [time in ms, position] points a joint passes through, eased in between. */
type Keyframes = readonly (readonly [number, number])[];

/** A sweep takes each joint from where it is to its min stop, pauses, to the max stop, pauses, back. */
const SWEEP_KEY_TIMES = [0, 400, 500, 1100, 1200, 1500] as const;
const SWEEP_JOINT_MS = 1500;
/** Teleoperation eases from the starting pose into the trajectory over this time. */
const TELEOP_BLEND_MS = 2000;
/** Teleoperation waves: three per joint, slow enough to look like a person (max ~1700 steps/s). */
const WAVES_PER_JOINT = 3;
const MIN_WAVE_HZ = 0.05;
const MAX_WAVE_HZ = 0.25;
/** Share of each joint's half range the waves use, keeping clear of the stops. */
const TELEOP_REACH = 0.85;
/** A hand repositioning the arm moves at most this fast (steps/s), and takes at least MIN_MOVE_MS. */
const HAND_SPEED = 1500;
const MIN_MOVE_MS = 300;

const smoothstep = (x: number) => {
  const t = Math.min(1, Math.max(0, x));
  return t * t * (3 - 2 * t);
};
const lerp = (a: number, b: number, t: number) => a + (b - a) * t;

function along(keys: Keyframes, t: number): number {
  let [t0, v0] = keys[0]!;
  for (const [t1, v1] of keys) {
    if (t <= t1) return t1 === t0 ? v1 : lerp(v0, v1, smoothstep((t - t0) / (t1 - t0)));
    [t0, v0] = [t1, v1];
  }
  return v0;
}

/** mulberry32: a small seeded generator, so a seed always gives the same trajectories. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The scripted hand on a SimulatedChain: moves joints whose torque is off as a person would
 * (teleoperating a leader; the calibration poses and sweep). Attaches itself to the chain on
 * construction; detach() lets go. Repeatable: the pose is a function of the chain's clock.
 */
export class SimulatedHand implements JointDriver {
  private currentMode: HandMode = "idle";
  private startedAt: number;
  private trajectory: Trajectory;

  constructor(readonly chain: SimulatedChain) {
    this.startedAt = chain.now();
    const rest = chain.joints.map((joint) => joint.rest);
    this.trajectory = () => rest;
    chain.attach(this);
  }

  /** The current mode. */
  get mode(): HandMode {
    return this.currentMode;
  }

  /** Progress of the current mode. */
  get progress(): HandProgress {
    const elapsedMs = this.chain.now() - this.startedAt;
    const sweeping = this.currentMode === "calibrationSweep";
    const total = this.chain.joints.length * SWEEP_JOINT_MS;
    const index = Math.floor(elapsedMs / SWEEP_JOINT_MS);
    return {
      mode: this.currentMode,
      elapsedMs,
      sweepDone: sweeping && elapsedMs >= total,
      sweepJoint: sweeping && elapsedMs < total ? this.chain.joints[index]?.name : undefined,
    };
  }

  /** Back to the rest pose, and stay. */
  idle(): void {
    this.begin("idle", (from) => this.moveTo(from, this.chain.joints.map((joint) => joint.rest)));
  }

  /** Smooth, repeatable motion of every joint (gripper included) within its range; the same seed gives the same motion. */
  teleoperate(seed = 1): void {
    const random = seededRandom(seed);
    const waves = this.chain.joints.map(({ range }) => {
      const weights = Array.from({ length: WAVES_PER_JOINT }, () => 0.2 + 0.8 * random());
      const total = weights.reduce((a, b) => a + b, 0);
      const reach = ((range.max - range.min) / 2) * TELEOP_REACH;
      return weights.map((weight) => ({
        amplitude: (reach * weight) / total,
        radPerMs: (2 * Math.PI * lerp(MIN_WAVE_HZ, MAX_WAVE_HZ, random())) / 1000,
        phase: 2 * Math.PI * random(),
      }));
    });
    const centres = this.middles();
    const wave = (t: number) =>
      waves.map((joint, i) => joint.reduce((sum, w) => sum + w.amplitude * Math.sin(w.radPerMs * t + w.phase), centres[i]!));
    this.begin("teleoperate", (from) => (t) => {
      const target = wave(t);
      const blend = smoothstep(t / TELEOP_BLEND_MS);
      return target.map((value, i) => lerp(from[i]!, value, blend));
    });
  }

  /** To the middle of every joint's range (where LeRobot's calibration sets the homing offsets), and stay. */
  calibrationMidPose(): void {
    this.begin("calibrationMidPose", (from) => this.moveTo(from, this.middles()));
  }

  /** Each joint in turn to its min stop and its max stop and back, ~1.5 s a joint; see progress.sweepDone. */
  calibrationSweep(): void {
    this.begin("calibrationSweep", (from) => {
      const keys: Keyframes[] = this.chain.joints.map(({ range }, i) => {
        const values = [from[i]!, range.min, range.min, range.max, range.max, from[i]!];
        return SWEEP_KEY_TIMES.map((time, k) => [time + i * SWEEP_JOINT_MS, values[k]!] as const);
      });
      return (t) => keys.map((joint) => along(joint, t));
    });
  }

  /** Move the named joints to these encoder positions (the others stay), and hold. */
  hold(positions: Readonly<Record<string, number>>): void {
    for (const name of Object.keys(positions)) this.chain.joint(name);
    this.begin("hold", (from) =>
      this.moveTo(from, this.chain.joints.map(({ name }, i) => positions[name] ?? from[i]!)),
    );
  }

  /** Let go of the arm: the chain stops asking this hand. */
  detach(): void {
    if (this.chain.driver === this) this.chain.attach(undefined);
  }

  /** The hand's pose at `time` (default now): integer encoder steps within each joint's stops. */
  poseAt(time = this.chain.now()): Pose {
    return this.trajectory(time - this.startedAt).map((value, i) => {
      const { range } = this.chain.joints[i]!;
      return Math.min(range.max, Math.max(range.min, Math.round(value)));
    });
  }

  /** Set every joint to the pose at `now` (the chain calls this; joints with torque on stay). */
  drive(now: number): void {
    const pose = this.poseAt(now);
    this.chain.joints.forEach((joint, i) => joint.servo.setActualPosition(pose[i]!));
  }

  /** Start a mode from where the arm actually is (joints with torque on may not be where the hand left them). */
  private begin(mode: HandMode, build: (from: Pose) => Trajectory): void {
    const now = this.chain.now();
    if (this.chain.driver === this) this.drive(now);
    const from = this.chain.joints.map((joint) => joint.servo.actualPosition);
    this.currentMode = mode;
    this.startedAt = now;
    this.trajectory = build(from);
  }

  private moveTo(from: Pose, target: Pose): Trajectory {
    const distance = Math.max(0, ...target.map((value, i) => Math.abs(value - from[i]!)));
    const duration = Math.max(MIN_MOVE_MS, (distance / HAND_SPEED) * 1000);
    return (t) => target.map((value, i) => lerp(from[i]!, value, smoothstep(t / duration)));
  }

  private middles(): Pose {
    return this.chain.joints.map(({ range }) => Math.floor((range.min + range.max) / 2));
  }
}

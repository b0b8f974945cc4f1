/**
 * An SO-100 / SO-101 arm (follower or leader) as LeRobot drives it: connect checks every motor's
 * model, brings the motors' calibration in line with the calibration file, configures the motors
 * (follower: LeRobot's gains and limits, torque on; leader: torque off), then reads positions and
 * sends goals in LeRobot's units and names (`shoulder_pan.pos`, ...).
 */
import fs from "node:fs";
import type { ArmCalibration } from "../calibration.js";
import { calibrationFileIn, findCalibrationFile, readCalibrationFile } from "../calibration.js";
import { FeetechBus } from "../feetech/bus.js";
import { STS3215_MODEL_NUMBER } from "../feetech/control-table.js";
import type { NormMode } from "../normalize.js";
import { normalizePosition, unnormalizePosition } from "../normalize.js";
import type { Arm } from "./arm.js";
import type { ArmLinkOptions } from "./arm-link.js";
import { SIM_PORT, isSimulatedPort, openArmLink } from "./arm-link.js";
import type { SimulatedArm } from "./sim-arm.js";
import type { ArmType } from "./types.js";
import { SO_MOTORS, SO_MOTOR_NAMES, SO_POSITION_NAMES, armType } from "./types.js";

/** One SO-100/SO-101 arm, LeRobot's SOFollowerConfig / SOLeaderConfig fields in camelCase. */
export interface SOArmConfig {
  /** so101_follower, so100_leader, so_follower, ... */
  type: string;
  /** Serial port (`/dev/ttyACM0`, `COM3`), or `sim` for the built-in simulated arm (arm-link.ts). */
  port: string;
  /** Names the calibration file (`<id>.json`); required except for the simulator. */
  id?: string;
  /** Body joints in degrees (default, as LeRobot since v0.4.4) or in -100..100. */
  useDegrees?: boolean;
  /** Largest step a goal may take from the present position, in the arm's units (follower). */
  maxRelativeTarget?: number | Record<string, number> | null;
  /** Release torque when disconnecting (default true). */
  disableTorqueOnDisconnect?: boolean;
  /**
   * The folder holding `<id>.json`, instead of the default calibration folder (LeRobot's
   * calibration_dir: robots/robot.py Robot.__init__ uses it as is, no type subfolder).
   */
  calibrationDir?: string;
  /** Retries of a failed position read (LeRobot's num_read_retries, default 2). */
  numReadRetries?: number;
  /** Position-mode PID gains written at connect to a follower (LeRobot's defaults 16 / 0 / 32). */
  positionPCoefficient?: number;
  /** See positionPCoefficient. */
  positionICoefficient?: number;
  /** See positionPCoefficient. */
  positionDCoefficient?: number;
}

/** How connect opens the transport (arm-link.ts: injected, simulated or serial), and what it does once connected. */
export interface ConnectArmOptions extends ArmLinkOptions {
  /**
   * Asked when the motors' calibration (EEPROM) differs from the file: resolve true to write the
   * file's values to the motors. Without it (a non-interactive run) the file's values are written.
   */
  confirmWriteCalibration?: (differences: string[]) => Promise<boolean>;
  /** Where connect says what it does ("writing calibration to the motors", ...). */
  log?: (line: string) => void;
  /** Connect without a calibration (for `calibrate`); default true. */
  requireCalibration?: boolean;
  /** Environment for the calibration folder (HF_LEROBOT_CALIBRATION, HF_LEROBOT_HOME, HF_HOME). */
  env?: NodeJS.ProcessEnv;
}

/** An arm with no `id`, or no calibration file for its id (the message says where it looked and how to calibrate). */
export class CalibrationMissingError extends Error {
  override name = "CalibrationMissingError";
}

/** At connect, a motor did not answer or is not an STS3215; the message names every such motor. */
export class MotorCheckError extends Error {
  override name = "MotorCheckError";
}

export const MOTOR_NAMES_BY_ID: Record<number, string> = Object.fromEntries(SO_MOTORS.map((m) => [m.id, m.name]));

/**
 * An SO-100 / SO-101 arm driven as LeRobot's SOFollower / SOLeader (lerobot/robots/so_follower,
 * lerobot/teleoperators/so_leader): the Arm interface plus the motor-level calls `calibrate` uses.
 * Calls that talk to the motors reject with the bus's MotorError or TransportError.
 */
export class SOArm implements Arm {
  /** The simulated arm behind `port: "sim"` (its hand moves the joints a person would move). */
  simulator: SimulatedArm | undefined;

  private constructor(
    readonly config: SOArmConfig,
    readonly armType: ArmType,
    readonly bus: FeetechBus,
    /** The calibration in use (file, or the simulator's own); undefined only while calibrating. */
    public calibration: ArmCalibration | undefined,
    /** Where the calibration came from: a file path, "simulator", or undefined. */
    public calibrationSource: string | undefined,
  ) {}

  /**
   * Open the arm's port (`sim` is the simulator), check every motor, bring the motors' EEPROM
   * calibration in line with the file (asking through confirmWriteCalibration when given), and
   * configure them (follower: torque on, holding where it is; leader: torque off).
   * @throws CalibrationMissingError without an id or a calibration file (unless requireCalibration is false).
   * @throws MotorCheckError when a motor is missing or of another model.
   * @throws UnknownArmTypeError for an unknown type; TransportError when the port cannot be opened.
   * The port is closed again on any failure.
   */
  static async connect(config: SOArmConfig, options: ConnectArmOptions = {}): Promise<SOArm> {
    const type = armType(config.type);
    const log = options.log ?? (() => {});
    // An unnamed simulated arm is `sim`; a real one needs its id before its port is opened.
    const id = config.id ?? (isSimulatedPort(config.port) ? SIM_PORT : undefined);
    if (id === undefined && options.requireCalibration !== false) {
      throw new CalibrationMissingError(`--${type.role === "leader" ? "teleop" : "robot"}.id is required: it names the calibration file of this arm`);
    }
    const { transport, simulator: sim } = await openArmLink(config.port, type.role, options);
    const bus = new FeetechBus(transport, { motorNames: MOTOR_NAMES_BY_ID, ...(config.numReadRetries !== undefined ? { readRetries: config.numReadRetries } : {}) });
    const arm = new SOArm({ ...config, ...(id !== undefined ? { id } : {}) }, type, bus, undefined, undefined);
    arm.simulator = sim;
    try {
      await arm.checkMotors();
      const file = id === undefined ? undefined : config.calibrationDir !== undefined ? existing(calibrationFileIn(config.calibrationDir, id)) :
        findCalibrationFile(type.kind, type.calibrationNames, id, options.env);
      if (file) {
        arm.calibration = readCalibrationFile(file, SO_MOTOR_NAMES);
        arm.calibrationSource = file;
      } else if (sim) {
        arm.calibration = sim.calibration;
        arm.calibrationSource = "simulator";
        log(`no calibration file for ${type.type} '${id}': calibrating the simulated arm with its own calibration`);
      } else if (options.requireCalibration !== false) {
        const flag = type.role === "leader" ? "teleop" : "robot";
        const where = config.calibrationDir !== undefined ? `looked for ${calibrationFileIn(config.calibrationDir, id!)}` :
          `looked in ${type.calibrationNames.map((n) => `${n}/`).join(" and ")} under the calibration folder`;
        throw new CalibrationMissingError(
          `no calibration for ${type.type} '${id}' (${where}); ` +
            `run: lerobot-ts calibrate --${flag}.type=${type.type} --${flag}.port=${config.port} --${flag}.id=${id}` +
            `${config.calibrationDir !== undefined ? ` --${flag}.calibration_dir=${config.calibrationDir}` : ""}`,
        );
      }
      if (arm.calibration && options.requireCalibration !== false) await arm.syncCalibration(options, log);
      if (options.requireCalibration !== false) await arm.configure();
      return arm;
    } catch (error) {
      await transport.close().catch(() => {});
      throw error;
    }
  }

  /** Follower (a robot) or leader (a teleoperator), from the type. */
  get role(): "follower" | "leader" {
    return this.armType.role;
  }

  /** The port's path. */
  get port(): string {
    return this.bus.port;
  }

  /** `shoulder_pan.pos` ... `gripper.pos`, LeRobot's order. */
  get positionNames(): string[] {
    return [...SO_POSITION_NAMES];
  }

  /** Calls `listener` when the port is lost (not on disconnect()); returns the unsubscribe. */
  onLost(listener: (error: Error) => void): () => void {
    return this.bus.transport.onClose((error) => {
      if (error) listener(new Error(`${this.role} arm on ${this.port} was lost: ${error.message}`));
    });
  }

  /** Unit of each motor: the gripper 0..100, the others degrees or -100..100. */
  normMode(motor: string): NormMode {
    if (motor === "gripper") return "range_0_100";
    return this.config.useDegrees === false ? "range_m100_100" : "degrees";
  }

  /** Ping every motor and check it is an STS3215; names every missing or wrong motor. */
  private async checkMotors(): Promise<void> {
    const problems: string[] = [];
    for (const { name, id } of SO_MOTORS) {
      // Connecting may meet a busy machine or a slow adapter: allow more tries than a loop read does.
      const model = await this.bus.modelNumber(id, 3);
      if (model === undefined) problems.push(`motor '${name}' (id ${id}) did not answer on ${this.port}`);
      else if (model !== STS3215_MODEL_NUMBER) problems.push(`motor '${name}' (id ${id}) on ${this.port} is model ${model}, expected STS3215 (${STS3215_MODEL_NUMBER})`);
    }
    if (problems.length > 0) {
      const hint = problems.length === SO_MOTORS.length ? " (is the arm powered, and is this its port?)" : "";
      throw new MotorCheckError(`${problems.join("; ")}${hint}`);
    }
  }

  /** The calibration the motors hold in EEPROM (homing offset and position limits). */
  async readMotorCalibration(): Promise<ArmCalibration> {
    const out: ArmCalibration = {};
    for (const { name, id } of SO_MOTORS) {
      out[name] = {
        id,
        drive_mode: 0,
        homing_offset: await this.bus.read(id, "Homing_Offset"),
        range_min: await this.bus.read(id, "Min_Position_Limit"),
        range_max: await this.bus.read(id, "Max_Position_Limit"),
      };
    }
    return out;
  }

  /** Make the motors hold the calibration in use, asking first when the caller wants to be asked. */
  private async syncCalibration(options: ConnectArmOptions, log: (line: string) => void): Promise<void> {
    const wanted = this.calibration!;
    const actual = await this.readMotorCalibration();
    const differences = SO_MOTOR_NAMES.flatMap((m) => {
      const a = actual[m]!;
      const w = wanted[m]!;
      return a.homing_offset === w.homing_offset && a.range_min === w.range_min && a.range_max === w.range_max ? [] :
        [`${m}: motor has offset ${a.homing_offset}, range ${a.range_min}..${a.range_max}; file has ${w.homing_offset}, ${w.range_min}..${w.range_max}`];
    });
    if (differences.length === 0) return;
    // The simulator's own calibration goes to its motors without a word: connect already said so.
    if (this.calibrationSource === "simulator") return this.writeCalibration(wanted);
    const source = this.calibrationSource;
    if (options.confirmWriteCalibration && !(await options.confirmWriteCalibration(differences))) {
      const flag = this.role === "leader" ? "teleop" : "robot";
      throw new CalibrationMissingError(`the motors' calibration differs from ${source}; run: lerobot-ts calibrate --${flag}.type=${this.config.type} --${flag}.port=${this.port} --${flag}.id=${this.config.id}`);
    }
    log(`the motors' calibration differs from ${source} (${differences.length} motor${differences.length === 1 ? "" : "s"}): writing the file's values to the motors`);
    await this.writeCalibration(wanted);
  }

  /** Write homing offsets and position limits (EEPROM: torque off and unlocked while writing). */
  async writeCalibration(calibration: ArmCalibration): Promise<void> {
    await this.disableTorque();
    for (const { name, id } of SO_MOTORS) {
      const c = calibration[name]!;
      await this.bus.write(id, "Homing_Offset", c.homing_offset, 2);
      await this.bus.write(id, "Min_Position_Limit", c.range_min, 2);
      await this.bus.write(id, "Max_Position_Limit", c.range_max, 2);
    }
    this.calibration = calibration;
  }

  /** Torque off and EEPROM unlocked on every motor (LeRobot's disable_torque). */
  async disableTorque(retries = 2): Promise<void> {
    for (const { id } of SO_MOTORS) {
      await this.bus.write(id, "Torque_Enable", 0, retries);
      await this.bus.write(id, "Lock", 0, retries);
    }
  }

  /** Torque on and EEPROM locked on every motor (LeRobot's enable_torque). */
  async enableTorque(retries = 2): Promise<void> {
    for (const { id } of SO_MOTORS) {
      await this.bus.write(id, "Torque_Enable", 1, retries);
      await this.bus.write(id, "Lock", 1, retries);
    }
  }

  /**
   * LeRobot's motor setup. Both: return delay 0, acceleration 254, Phase bit 0x10 cleared, position
   * mode. Follower: the configured PID gains (default P 16, I 0, D 32, as SOFollower.configure
   * writes position_{p,i,d}_coefficient), a gentler gripper (torque 500, current 250, overload 25), the
   * goal set to where each joint is (so enabling torque never jerks the arm), torque on.
   * Leader: torque off, so a hand can move it.
   */
  async configure(): Promise<void> {
    await this.disableTorque();
    for (const { name, id } of SO_MOTORS) {
      await this.bus.write(id, "Return_Delay_Time", 0, 2);
      await this.bus.write(id, "Maximum_Acceleration", 254, 2);
      await this.bus.write(id, "Acceleration", 254, 2);
      const phase = await this.bus.read(id, "Phase");
      if (phase & 0x10) await this.bus.write(id, "Phase", phase & ~0x10, 2);
      await this.bus.write(id, "Operating_Mode", 0, 2);
      if (this.role !== "follower") continue;
      await this.bus.write(id, "P_Coefficient", this.config.positionPCoefficient ?? 16, 2);
      await this.bus.write(id, "I_Coefficient", this.config.positionICoefficient ?? 0, 2);
      await this.bus.write(id, "D_Coefficient", this.config.positionDCoefficient ?? 32, 2);
      if (name === "gripper") {
        await this.bus.write(id, "Max_Torque_Limit", 500, 2);
        await this.bus.write(id, "Protection_Current", 250, 2);
        await this.bus.write(id, "Overload_Torque", 25, 2);
      }
    }
    if (this.role === "follower") {
      const present = await this.readRaw();
      await this.bus.syncWrite("Goal_Position", new Map(SO_MOTORS.map(({ name, id }) => [id, present[name]!])));
      await this.enableTorque();
    }
  }

  /** Present_Position of every motor in raw steps (in the calibrated frame). */
  async readRaw(retries?: number): Promise<Record<string, number>> {
    const { values } = await this.bus.syncRead("Present_Position", SO_MOTORS.map((m) => m.id), retries);
    return Object.fromEntries(SO_MOTORS.map(({ name, id }) => [name, values.get(id)!]));
  }

  /** Joint positions in LeRobot's units: `{ "shoulder_pan.pos": 12.3, ... }`. */
  async readPositions(): Promise<Record<string, number>> {
    const raw = await this.readRaw();
    return this.normalize(raw);
  }

  /**
   * Raw steps by motor name -> `{ "<motor>.pos": value }` in the arm's units.
   * @throws CalibrationMissingError when the arm has no calibration yet.
   */
  normalize(raw: Record<string, number>): Record<string, number> {
    const cal = this.requireCalibration();
    return Object.fromEntries(SO_MOTOR_NAMES.map((m) => [`${m}.pos`, normalizePosition(m, raw[m]!, cal[m]!, this.normMode(m))]));
  }

  /**
   * Send goal positions (`<motor>.pos` in LeRobot's units). With maxRelativeTarget, each goal is
   * kept within that distance of the present position, as LeRobot does. Returns what was sent.
   */
  async sendAction(action: Record<string, number>): Promise<Record<string, number>> {
    const cal = this.requireCalibration();
    let goals: Record<string, number> = {};
    for (const [key, value] of Object.entries(action)) {
      if (key.endsWith(".pos") && key.slice(0, -4) in cal) goals[key.slice(0, -4)] = value;
    }
    const cap = this.config.maxRelativeTarget;
    if (cap !== undefined && cap !== null) {
      const present = this.normalize(await this.readRaw());
      goals = Object.fromEntries(Object.entries(goals).map(([m, goal]) => {
        const limit = typeof cap === "number" ? cap : cap[m] ?? Infinity;
        const now = present[`${m}.pos`]!;
        return [m, now + Math.max(-limit, Math.min(limit, goal - now))];
      }));
    }
    const raw = new Map<number, number>();
    for (const [m, goal] of Object.entries(goals)) raw.set(cal[m]!.id, unnormalizePosition(m, goal, cal[m]!, this.normMode(m)));
    await this.bus.syncWrite("Goal_Position", raw);
    return Object.fromEntries(Object.entries(goals).map(([m, v]) => [`${m}.pos`, v]));
  }

  /** Release torque (unless configured not to) and close the port; never throws. */
  async disconnect(): Promise<void> {
    try {
      if (this.role === "follower" && this.config.disableTorqueOnDisconnect !== false && this.bus.transport.isOpen) {
        await this.disableTorque(5).catch(() => {});
      }
    } finally {
      this.bus.detach();
      await this.bus.transport.close().catch(() => {});
    }
  }

  private requireCalibration(): ArmCalibration {
    if (!this.calibration) throw new CalibrationMissingError(`${this.config.type} '${this.config.id}' has no calibration`);
    return this.calibration;
  }
}


function existing(file: string): string | undefined {
  return fs.existsSync(file) ? file : undefined;
}

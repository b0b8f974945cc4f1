/**
 * One simulated STS3215: its control table memory with the servo's write rules (EEPROM lock,
 * read-only registers), the Homing_Offset frame, position limits, and a motor that drives the
 * joint towards the goal with a speed and acceleration limit. Motion is integrated lazily from an
 * injected clock whenever the memory is read or written, so an idle servo needs no timer.
 *
 * Torque enable: a servo whose Goal_Position was ever written by the host moves to that goal (real
 * servos keep the register); one whose goal was never written holds where it is instead of
 * running to the factory value 0.
 */
import {
  CONTROL_TABLE,
  MEMORY_SIZE,
  STS3215_DEFAULTS,
  STS3215_MODEL_NUMBER,
  STS3215_RESOLUTION,
  decodeRegister,
  encodeRegister,
} from "../feetech/control-table.js";
import type { Register, RegisterName } from "../feetech/control-table.js";
import { fromBytes, toBytes } from "../feetech/protocol.js";

/** No-load top speed (0.222 s / 60 deg at 7.4 V is ~3070 steps/s), in steps/s. */
const MAX_SPEED = 3000;
/** Integration step: fixed, so a trajectory does not depend on how often the host polls. */
const TICK_MS = 1;
/** A joint moved by hand that has not moved for this long reads as still. */
const STILL_AFTER_MS = 50;
/** Present_Load (0.1 % units) per step of tracking error, and Present_Current (6.5 mA) per unit of load. */
/** Largest magnitude Present_Velocity holds (15 bits). */
const MAX_REGISTER_SPEED = 0x7fff;
const LOAD_PER_STEP = 0.5;
const CURRENT_PER_LOAD = 0.4;

/** Mechanical stops of the joint a servo is built into, in encoder steps. */
/** Mechanical stops of a joint, in encoder steps. */
export interface MechanicalRange {
  min: number;
  max: number;
}

/** Options of `new SimulatedServo(id, options)`. */
export interface SimulatedServoOptions {
  /** Clock in ms (default performance.now); shared by a chain and its hand. */
  now?: () => number;
  /** Encoder position at power-on (default 2048). */
  position?: number;
  /** Default: the whole encoder, 0..4095. */
  range?: MechanicalRange;
}

const FULL_RANGE: MechanicalRange = { min: 0, max: STS3215_RESOLUTION - 1 };

/** The register each byte address belongs to (undefined: an unused address, writes ignored). */
const REGISTER_AT: (Register | undefined)[] = new Array<Register | undefined>(MEMORY_SIZE);
for (const register of Object.values(CONTROL_TABLE) as Register[]) {
  for (let i = 0; i < register.size; i++) REGISTER_AT[register.address + i] = register;
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/**
 * One simulated STS3215 in memory: the control table with the servo's write rules (EEPROM lock,
 * read-only registers, sign-magnitude), Homing_Offset and position limits, and a motor moving
 * towards the goal. SimulatedChain executes packets on it; tests read and set it directly.
 */
export class SimulatedServo {
  readonly model = STS3215_MODEL_NUMBER;
  /** The control table. Reading it directly skips the lazy motion update: use read()/readRegister(). */
  readonly memory = new Uint8Array(MEMORY_SIZE);
  readonly range: MechanicalRange;
  private readonly now: () => number;
  /** Encoder position, fractional while moving. */
  private position: number;
  /** Steps/s, signed. */
  private velocity = 0;
  /** Time (ms) the motion is integrated up to. */
  private lastUpdate: number;
  private goalWritten = false;
  /** REG_WRITE data held until ACTION. */
  private held: { address: number; bytes: Uint8Array } | undefined;

  constructor(id: number, options: SimulatedServoOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.range = options.range ?? FULL_RANGE;
    this.position = clamp(options.position ?? 2048, this.range.min, this.range.max);
    this.lastUpdate = this.now();
    for (const [name, value] of Object.entries(STS3215_DEFAULTS)) this.poke(name as RegisterName, value);
    this.poke("ID", id);
    this.publish();
  }

  /** The ID register (it can be rewritten). */
  get id(): number {
    return this.memory[CONTROL_TABLE.ID.address]!;
  }

  /** Torque_Enable is on. */
  get torqueEnabled(): boolean {
    return this.memory[CONTROL_TABLE.Torque_Enable.address] !== 0;
  }

  /** Physical encoder position, 0..4095 (Homing_Offset does not apply). */
  get actualPosition(): number {
    this.update();
    return Math.round(this.position);
  }

  /**
   * The outside world (a hand, a test) moves the free joint, within its mechanical stops. Returns
   * false, and nothing moves, while the torque is on.
   */
  setActualPosition(steps: number): boolean {
    this.update();
    if (this.torqueEnabled) return false;
    const now = this.now();
    const target = clamp(steps, this.range.min, this.range.max);
    const dt = now - this.lastUpdate;
    if (dt > 0) this.velocity = ((target - this.position) / dt) * 1000;
    this.position = target;
    this.lastUpdate = now;
    this.publish();
    return true;
  }

  /** One register's value (sign decoded), motion brought up to now. */
  readRegister(name: RegisterName): number {
    const register: Register = CONTROL_TABLE[name];
    return decodeRegister(register, fromBytes(this.read(register.address, register.size), 0, register.size));
  }

  /** A host write of one register (encoded as the host would), subject to the servo's rules. */
  writeRegister(name: RegisterName, value: number): void {
    const register: Register = CONTROL_TABLE[name];
    this.write(register.address, toBytes(encodeRegister(register, value), register.size));
  }

  /** Memory bytes as a READ returns them; addresses past the table read as 0. */
  read(address: number, length: number): Uint8Array {
    this.update();
    const out = new Uint8Array(length);
    out.set(this.memory.subarray(address, Math.min(address + length, MEMORY_SIZE)));
    return out;
  }

  /**
   * A WRITE as the servo applies it: bytes of read-only registers, of unused addresses, and of
   * EEPROM registers while Lock is set are ignored (the servo still acknowledges the packet).
   */
  write(address: number, bytes: ArrayLike<number>): void {
    this.update();
    const locked = this.memory[CONTROL_TABLE.Lock.address] !== 0;
    const torqueWasOn = this.torqueEnabled;
    for (let i = 0; i < bytes.length; i++) {
      const register = REGISTER_AT[address + i];
      if (!register || register.readOnly || (register.eeprom && locked)) continue;
      this.memory[address + i] = bytes[i]!;
      if (register === CONTROL_TABLE.Goal_Position) this.goalWritten = true;
    }
    if (!torqueWasOn && this.torqueEnabled) {
      if (!this.goalWritten) this.poke("Goal_Position", this.presentPosition());
      // the motor starts from rest now, not from when the joint was last moved by hand
      this.velocity = 0;
      this.lastUpdate = this.now();
    } else if (torqueWasOn && !this.torqueEnabled) {
      this.velocity = 0;
    }
    this.publish();
  }

  /** REG_WRITE: keep the write until ACTION (a new REG_WRITE replaces the held one). */
  regWrite(address: number, bytes: ArrayLike<number>): void {
    this.held = { address, bytes: Uint8Array.from(bytes) };
  }

  /** ACTION: apply the held write, if any. */
  action(): void {
    const held = this.held;
    this.held = undefined;
    if (held) this.write(held.address, held.bytes);
  }

  /** Bring the motion up to now and the Present_* registers with it. */
  update(): void {
    const now = this.now();
    if (this.torqueEnabled) this.integrate(now);
    else if (now - this.lastUpdate > STILL_AFTER_MS) this.velocity = 0;
    this.publish();
  }

  private integrate(now: number): void {
    const target = clamp(this.goalActual(), this.range.min, this.range.max);
    let t = this.lastUpdate;
    while (now - t >= TICK_MS) {
      if (this.velocity === 0 && this.position === target) {
        t = now; // settled: nothing to integrate, however long the servo idled
        break;
      }
      this.step(target, TICK_MS / 1000);
      t += TICK_MS;
    }
    this.lastUpdate = t;
  }

  /** One tick of the position controller: the fastest speed from which it can still stop at the target. */
  private step(target: number, dt: number): void {
    const acceleration = this.acceleration();
    const error = target - this.position;
    const distance = Math.abs(error);
    // the speed from which ticks of full deceleration stop exactly at the target (v^2/2a + v dt/2 = distance)
    const dv = acceleration * dt;
    const braking = acceleration === Infinity ? Infinity : dv * (Math.sqrt(0.25 + (2 * distance) / (dv * dt)) - 0.5);
    const speed = Math.min(this.maxSpeed(), braking, distance / dt);
    const desired = Math.sign(error) * speed;
    const change = desired - this.velocity;
    this.velocity = Math.abs(change) <= dv ? desired : this.velocity + Math.sign(change) * dv;
    this.position = clamp(this.position + this.velocity * dt, this.range.min, this.range.max);
    if (Math.abs(target - this.position) < 0.5 && Math.abs(this.velocity) <= dv) {
      this.position = target;
      this.velocity = 0;
    }
  }

  /** Acceleration register in 100 steps/s^2; 0 means no ramp. */
  private acceleration(): number {
    const value = this.memory[CONTROL_TABLE.Acceleration.address]!;
    return value === 0 ? Infinity : value * 100;
  }

  /** Goal_Velocity limits the speed in position mode; 0 means full speed. */
  private maxSpeed(): number {
    const limit = Math.abs(this.registerValue("Goal_Velocity"));
    return limit === 0 ? MAX_SPEED : Math.min(limit, MAX_SPEED);
  }

  /** The goal in encoder steps: clamped to the position limits in the Present frame, then shifted by the offset. */
  private goalActual(): number {
    const goal = clamp(this.registerValue("Goal_Position"), this.registerValue("Min_Position_Limit"), this.registerValue("Max_Position_Limit"));
    return clamp(goal + this.registerValue("Homing_Offset"), 0, STS3215_RESOLUTION - 1);
  }

  private presentPosition(): number {
    return Math.round(this.position) - this.registerValue("Homing_Offset");
  }

  private publish(): void {
    const load = this.torqueEnabled ? clamp(Math.round((this.goalActual() - this.position) * LOAD_PER_STEP), -1000, 1000) : 0;
    const settled = !this.torqueEnabled || this.position === clamp(this.goalActual(), this.range.min, this.range.max);
    this.poke("Present_Position", this.presentPosition());
    this.poke("Present_Velocity", clamp(Math.round(this.velocity), -MAX_REGISTER_SPEED, MAX_REGISTER_SPEED)); // a hand can jerk a free joint
    this.poke("Present_Load", load);
    this.poke("Present_Current", Math.round(Math.abs(load) * CURRENT_PER_LOAD));
    this.poke("Moving", this.velocity !== 0 || !settled ? 1 : 0);
  }

  private registerValue(name: RegisterName): number {
    const register: Register = CONTROL_TABLE[name];
    return decodeRegister(register, fromBytes(this.memory, register.address, register.size));
  }

  /** Set a register without the host-write rules (the servo's own firmware). */
  private poke(name: RegisterName, value: number): void {
    const register: Register = CONTROL_TABLE[name];
    this.memory.set(toBytes(encodeRegister(register, value), register.size), register.address);
  }
}

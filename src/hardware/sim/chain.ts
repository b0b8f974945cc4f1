/**
 * A chain of simulated STS3215 servos on one bus, behind the same Transport a serial port offers:
 * instruction packets written to it are executed by the servos they address and the status
 * packets come back asynchronously, as from a real line. Faults (silent or corrupt servos, error
 * bits, garbage, a pulled cable) can be injected to exercise the host's error handling.
 */
import { setImmediate, clearImmediate, setTimeout, clearTimeout } from "node:timers";
import { BAUD_RATES, CONTROL_TABLE } from "../feetech/control-table.js";
import { BROADCAST_ID, Instruction, PacketParser, buildStatusPacket, transferMs } from "../feetech/protocol.js";
import type { Packet } from "../feetech/protocol.js";
import { TransportError } from "../transport.js";
import type { Transport } from "../transport.js";
import { SimulatedServo } from "./servo.js";
import type { MechanicalRange } from "./servo.js";

/** A joint of the simulated arm: its servo, where it rests and how far a hand can move it. */
export interface SimulatedJoint {
  name: string;
  servo: SimulatedServo;
  /** Encoder position at rest (power-on). */
  rest: number;
  range: MechanicalRange;
}

/** How to build one joint: its servo's id, the joint's name, rest position and stops (encoder steps). */
export interface JointSpec {
  id: number;
  name: string;
  rest: number;
  range: MechanicalRange;
}

/**
 * An assembled SO-101 (motor ids set, not calibrated: Homing_Offset 0): a folded rest pose and the
 * mechanical stops of each joint, in encoder steps.
 */
export const SO101_JOINTS: readonly JointSpec[] = [
  { id: 1, name: "shoulder_pan", rest: 2010, range: { min: 780, max: 3310 } },
  { id: 2, name: "shoulder_lift", rest: 860, range: { min: 820, max: 3220 } },
  { id: 3, name: "elbow_flex", rest: 3040, range: { min: 870, max: 3090 } },
  { id: 4, name: "wrist_flex", rest: 2730, range: { min: 860, max: 3240 } },
  { id: 5, name: "wrist_roll", rest: 2120, range: { min: 0, max: 4095 } },
  { id: 6, name: "gripper", rest: 2015, range: { min: 1990, max: 3400 } },
];

/** Options of `new SimulatedChain(joints, options)`. */
export interface SimulatedChainOptions {
  /** Clock in ms driving motion and the hand (default performance.now). */
  now?: () => number;
  /** Delay replies by the wire time of request and reply plus Return_Delay_Time (default: next tick). */
  realTiming?: boolean;
}

/** Something that moves free joints from outside (the hand); asked before each packet is executed. */
export interface JointDriver {
  drive(now: number): void;
}

/** Faults a test injects through `chain.faults`, to exercise the host's error handling. */
export interface ChainFaults {
  /** The servo ignores the next `count` packets that concern it (default: all of them). */
  noReply(id: number, count?: number): void;
  /** The servo's next `count` replies carry a wrong checksum (default: all of them). */
  corruptChecksum(id: number, count?: number): void;
  /** The servo's replies carry these status error bits; 0 clears them. */
  errorBits(id: number, bits: number): void;
  /** The cable is pulled: the transport closes with an error and writes reject. */
  disconnect(): void;
  /** Raw bytes appear in the reply stream (after the replies already queued). */
  garbage(bytes: ArrayLike<number>): void;
  /** Clear every per-servo fault. */
  clear(): void;
}

/** A status packet holds at most this many parameter bytes (a longer read would not fit). */
const MAX_PARAMS = 250;

interface Outgoing {
  bytes: Uint8Array;
  /** Real time (performance.now) the bytes have arrived, with realTiming. */
  due: number;
}

/**
 * Simulated STS3215 servos on one bus, as a Transport (path `sim`, 1 Mbps): a FeetechBus on it
 * talks to them byte for byte as to a real arm. Lives in memory; close() or faults.disconnect()
 * end it, after which writes reject with TransportError.
 */
export class SimulatedChain implements Transport {
  readonly path = "sim";
  readonly baudRate = 1_000_000;
  /** The chain's clock in ms. */
  readonly now: () => number;
  /** The joints in id order. */
  readonly joints: readonly SimulatedJoint[];
  /** Fault injection. */
  readonly faults: ChainFaults;
  private readonly realTiming: boolean;
  private readonly parser = new PacketParser((packet) => this.execute(packet));
  private readonly dataListeners = new Set<(chunk: Uint8Array) => void>();
  private readonly closeListeners = new Set<(error?: Error) => void>();
  private open = true;
  private currentDriver: JointDriver | undefined;
  private outbox: Outgoing[] = [];
  private timer: { cancel(): void } | undefined;
  /** Real time the line is busy until (realTiming). */
  private lineFreeAt = 0;
  private readonly silent = new Map<number, number>();
  private readonly corrupt = new Map<number, number>();
  private readonly errors = new Map<number, number>();

  constructor(joints: readonly JointSpec[], options: SimulatedChainOptions = {}) {
    const now = options.now ?? (() => performance.now());
    this.now = now;
    this.realTiming = options.realTiming ?? false;
    this.joints = joints.map(({ id, name, rest, range }) => ({
      name,
      rest,
      range,
      servo: new SimulatedServo(id, { now, position: rest, range }),
    }));
    this.faults = {
      noReply: (id, count = Infinity) => setCount(this.silent, id, count),
      corruptChecksum: (id, count = Infinity) => setCount(this.corrupt, id, count),
      errorBits: (id, bits) => void (bits ? this.errors.set(id, bits) : this.errors.delete(id)),
      disconnect: () => this.shutDown(new TransportError("the simulated cable was pulled", this.path)),
      garbage: (bytes) => this.send(Uint8Array.from(bytes), 0),
      clear: () => {
        this.silent.clear();
        this.corrupt.clear();
        this.errors.clear();
      },
    };
  }

  /** An SO-101 arm: ids 1..6, shoulder_pan .. gripper, at its rest pose. */
  static so101(options?: SimulatedChainOptions): SimulatedChain {
    return new SimulatedChain(SO101_JOINTS, options);
  }

  /** False once closed or disconnected. */
  get isOpen(): boolean {
    return this.open;
  }

  /** Every servo, in joint order. */
  get servos(): SimulatedServo[] {
    return this.joints.map((joint) => joint.servo);
  }

  /** The servo that currently has this id (ids can be rewritten). */
  servo(id: number): SimulatedServo {
    const servo = this.servos.find((s) => s.id === id);
    if (!servo) throw new RangeError(`no simulated servo has id ${id}`);
    return servo;
  }

  /** The joint of this name; throws an Error for an unknown name. */
  joint(name: string): SimulatedJoint {
    const joint = this.joints.find((j) => j.name === name);
    if (!joint) throw new RangeError(`no simulated joint is named ${name}`);
    return joint;
  }

  /** Let `driver` move the free joints (one at a time; undefined detaches). */
  attach(driver: JointDriver | undefined): void {
    this.currentDriver = driver;
  }

  /** The attached driver, if any. */
  get driver(): JointDriver | undefined {
    return this.currentDriver;
  }

  /** Bring the joints up to the clock: the driver's positions, then each servo's motion. */
  sync(): void {
    this.driver?.drive(this.now());
    for (const servo of this.servos) servo.update();
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (!this.open) throw new TransportError("the simulated chain is closed", this.path);
    this.parser.push(bytes);
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Replies not delivered yet are dropped. */
  async flush(): Promise<void> {
    this.outbox = [];
    this.cancelTimer();
  }

  async close(): Promise<void> {
    this.shutDown(undefined);
  }

  private shutDown(error: Error | undefined): void {
    if (!this.open) return;
    this.open = false;
    this.outbox = [];
    this.cancelTimer();
    for (const listener of [...this.closeListeners]) listener(error);
    this.closeListeners.clear();
  }

  private execute(packet: Packet): void {
    this.driver?.drive(this.now());
    const requestBytes = packet.params.length + 6;
    const replies = packet.id === BROADCAST_ID ? this.broadcast(packet) : this.unicast(packet);
    this.lineFreeAt = Math.max(this.lineFreeAt, performance.now()) + transferMs(requestBytes, this.baudRate);
    for (const { servo, id, params } of replies) this.reply(servo, id, params);
  }

  private unicast({ id, code, params }: Packet): Reply[] {
    const replies: Reply[] = [];
    for (const servo of this.servos) {
      if (servo.id !== id || !this.receives(servo)) continue;
      const answer = this.apply(servo, code, params);
      if (answer) replies.push({ servo, id, params: answer });
    }
    return replies;
  }

  /** Executes one instruction on a servo; returns the reply's params, or undefined for no reply. */
  private apply(servo: SimulatedServo, code: number, params: Uint8Array): Uint8Array | undefined {
    const acknowledge = servo.memory[CONTROL_TABLE.Response_Status_Level.address] !== 0 ? new Uint8Array(0) : undefined;
    switch (code) {
      case Instruction.PING:
        return new Uint8Array(0);
      case Instruction.READ:
        return params.length >= 2 ? servo.read(params[0]!, Math.min(params[1]!, MAX_PARAMS)) : undefined;
      case Instruction.WRITE:
        if (params.length < 1) return undefined;
        servo.write(params[0]!, params.subarray(1));
        return acknowledge;
      case Instruction.REG_WRITE:
        if (params.length < 1) return undefined;
        servo.regWrite(params[0]!, params.subarray(1));
        return acknowledge;
      case Instruction.ACTION:
        servo.action();
        return acknowledge;
      default:
        return undefined;
    }
  }

  /** Broadcast packets get no reply, except PING (every servo, by id) and SYNC_READ (the listed ids, in order). */
  private broadcast({ code, params }: Packet): Reply[] {
    const replies: Reply[] = [];
    if (code === Instruction.SYNC_READ) {
      if (params.length < 2) return replies;
      const [address, length] = [params[0]!, params[1]!];
      for (const id of params.subarray(2)) {
        for (const servo of this.servos) {
          if (servo.id === id && this.receives(servo)) replies.push({ servo, id, params: servo.read(address, Math.min(length, MAX_PARAMS)) });
        }
      }
    } else if (code === Instruction.SYNC_WRITE) {
      if (params.length < 2) return replies;
      const [address, length] = [params[0]!, params[1]!];
      for (let at = 2; at + 1 + length <= params.length; at += 1 + length) {
        const data = params.subarray(at + 1, at + 1 + length);
        for (const servo of this.servos) {
          if (servo.id === params[at] && this.receives(servo)) servo.write(address, data);
        }
      }
    } else if (code !== Instruction.READ) {
      for (const servo of [...this.servos].sort((a, b) => a.id - b.id)) {
        if (!this.receives(servo)) continue;
        const id = servo.id;
        this.apply(servo, code, params);
        if (code === Instruction.PING) replies.push({ servo, id, params: new Uint8Array(0) });
      }
    }
    return replies;
  }

  /** Whether the servo hears a packet: its baud rate matches the line and it is not made silent. */
  private receives(servo: SimulatedServo): boolean {
    if (BAUD_RATES[servo.memory[CONTROL_TABLE.Baud_Rate.address]!] !== this.baudRate) return false;
    return !take(this.silent, servo.id);
  }

  /** The status packet, sent with the id the request used (a write of ID answers from the old id). */
  private reply(servo: SimulatedServo, id: number, params: Uint8Array): void {
    const packet = buildStatusPacket(id, this.errors.get(id) ?? 0, params);
    if (take(this.corrupt, id)) packet[packet.length - 1] = ~packet.at(-1)! & 0xff;
    const returnDelayMs = (servo.memory[CONTROL_TABLE.Return_Delay_Time.address]! * 2) / 1000;
    this.send(packet, returnDelayMs);
  }

  private send(bytes: Uint8Array, delayMs: number): void {
    if (!this.open) return;
    const start = Math.max(this.lineFreeAt, performance.now()) + delayMs;
    this.lineFreeAt = start + transferMs(bytes.length, this.baudRate);
    this.outbox.push({ bytes, due: this.lineFreeAt });
    this.schedule();
  }

  /** One timer for the head of the outbox; none when it is empty, so an idle chain keeps nothing alive. */
  private schedule(): void {
    const head = this.outbox[0];
    if (this.timer || !head) return;
    if (this.realTiming) {
      const handle = setTimeout(() => this.deliver(), Math.max(0, head.due - performance.now()));
      this.timer = { cancel: () => clearTimeout(handle) };
    } else {
      const handle = setImmediate(() => this.deliver());
      this.timer = { cancel: () => clearImmediate(handle) };
    }
  }

  private deliver(): void {
    this.timer = undefined;
    const now = performance.now();
    while (this.outbox.length > 0 && this.open) {
      const head = this.outbox[0]!;
      if (this.realTiming && head.due > now) break;
      this.outbox.shift();
      for (const listener of [...this.dataListeners]) listener(head.bytes);
    }
    this.schedule();
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}

interface Reply {
  servo: SimulatedServo;
  id: number;
  params: Uint8Array;
}

function setCount(counts: Map<number, number>, id: number, count: number): void {
  if (count > 0) counts.set(id, count);
  else counts.delete(id);
}

/** Consume one use of a counted fault; true while it is active. */
function take(counts: Map<number, number>, id: number): boolean {
  const left = counts.get(id);
  if (left === undefined) return false;
  if (left <= 1) counts.delete(id);
  else counts.set(id, left - 1);
  return true;
}

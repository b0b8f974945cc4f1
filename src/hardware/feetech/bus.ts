/**
 * FeetechBus: transactions with STS servos over a Transport. One transaction at a time (the bus
 * is half-duplex), timeouts derived from the baud rate and packet sizes, reads retried (default 2,
 * as LeRobot), and every failure an error naming the motor: a read never makes up a value.
 */
import type { Transport } from "../transport.js";
import type { Register, RegisterName } from "./control-table.js";
import { CONTROL_TABLE, decodeRegister, encodeRegister } from "./control-table.js";
import { MotorChecksumError, MotorStatusError, MotorTimeoutError, motorLabel } from "./errors.js";
import type { Packet } from "./protocol.js";
import { BROADCAST_ID, Instruction, PacketParser, buildPacket, describeStatusError, fromBytes, toBytes, transferMs } from "./protocol.js";

/** Options of `new FeetechBus(transport, options)`. */
export interface FeetechBusOptions {
  /** Names of the motors by id, for messages ("motor 'elbow_flex' (id 3)"). */
  motorNames?: Record<number, string>;
  /**
   * Fixed allowance added to every timeout for the USB adapter and the OS, in ms (the serial
   * adapters' latency timer is 1-16 ms; Feetech's SDK allows 16).
   */
  latencyMs?: number;
  /** Retries of a read or sync read that failed (LeRobot's num_retry; default 2). */
  readRetries?: number;
}

/** Values of one register read from several motors in one sync read. */
export interface SyncReadResult {
  values: Map<number, number>;
  /** Status error bits reported by motors whose reply had any (the values are still valid). */
  statusErrors: Map<number, number>;
}

const STATUS_OVERHEAD = 6; // FF FF ID LEN ERR ... CHK

/**
 * Feetech protocol 0 (STS3215) over a Transport, as LeRobot's FeetechMotorsBus: ping, scan, read,
 * write, reg write / action, sync read and sync write, one transaction at a time. Values are raw
 * register values (sign-magnitude decoded); see normalizePosition for LeRobot's units.
 * Every reply-awaiting call rejects with MotorTimeoutError (no valid reply after its retries),
 * MotorChecksumError (replies corrupted) or MotorStatusError (the motor reported an error, where
 * the call checks it), each naming the motor and port. The bus does not open or close the transport.
 */
export class FeetechBus {
  private readonly parser: PacketParser;
  private waiting: ((packet: Packet) => void) | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly unsubscribe: () => void;
  /** Motor names by id, used in error messages. */
  readonly motorNames: Record<number, string>;
  /** Allowance in ms added to every timeout (default 16). */
  readonly latencyMs: number;
  /** Default retries of read and syncRead (default 2). */
  readonly readRetries: number;
  /** Transactions that needed a retry, and packets dropped for a bad checksum (for diagnostics). */
  retries = 0;

  /** Listens to `transport` at once (see detach()); sends nothing. */
  constructor(readonly transport: Transport, options: FeetechBusOptions = {}) {
    this.motorNames = options.motorNames ?? {};
    this.latencyMs = options.latencyMs ?? 16;
    this.readRetries = options.readRetries ?? 2;
    this.parser = new PacketParser((packet) => this.waiting?.(packet));
    this.unsubscribe = transport.onData((chunk) => this.parser.push(chunk));
  }

  /** The transport's path, for messages. */
  get port(): string {
    return this.transport.path;
  }

  /** Packets dropped so far for a bad checksum. */
  get badChecksums(): number {
    return this.parser.badChecksums;
  }

  /** Ping one motor; resolves with its status error bits (0 when healthy). Rejects with MotorTimeoutError if it does not answer. */
  async ping(id: number, retries = 0): Promise<number> {
    const [reply] = await this.transact(buildPacket(id, Instruction.PING), [id], 0, retries);
    return reply!.code;
  }

  /** The model number of a motor (777 for an STS3215), or undefined if it does not answer; other MotorErrors reject. */
  async modelNumber(id: number, retries = 0): Promise<number | undefined> {
    try {
      return await this.read(id, "Model_Number", retries);
    } catch (error) {
      if (error instanceof MotorTimeoutError) return undefined;
      throw error;
    }
  }

  /** Broadcast ping: the ids that answer, in id order (each servo replies in turn). */
  async scan(maxMotors = 16): Promise<number[]> {
    const ids: number[] = [];
    await this.exclusive(async () => {
      await this.send(buildPacket(BROADCAST_ID, Instruction.PING));
      // Every servo may answer; wait as long as `maxMotors` replies would take.
      const timeout = transferMs(6 + STATUS_OVERHEAD * maxMotors, this.transport.baudRate) + 3 * maxMotors + this.latencyMs;
      await this.collect(timeout, (packet) => {
        if (!ids.includes(packet.id)) ids.push(packet.id);
        return false;
      });
    });
    return ids.sort((a, b) => a - b);
  }

  /** Read one register (sign decoded), retrying `retries` times; rejects with a MotorError, never a made-up value. */
  async read(id: number, name: RegisterName | Register, retries = this.readRetries): Promise<number> {
    const register = typeof name === "string" ? CONTROL_TABLE[name] : name;
    const packet = buildPacket(id, Instruction.READ, [register.address, register.size]);
    const [reply] = await this.transact(packet, [id], register.size, retries);
    this.assertNoError(reply!, `reading ${label(name)}`);
    if (reply!.params.length !== register.size) {
      throw new MotorTimeoutError(`${this.motor(id)} on ${this.port} sent ${reply!.params.length} bytes for ${label(name)}, expected ${register.size}`, id, this.port);
    }
    return decodeRegister(register, fromBytes(reply!.params, 0, register.size));
  }

  /** Write one register and wait for the motor's acknowledgement; rejects with a MotorError. EEPROM registers need Lock = 0. */
  async write(id: number, name: RegisterName, value: number, retries = 0): Promise<void> {
    const register = CONTROL_TABLE[name];
    const bytes = toBytes(encodeRegister(register, value), register.size);
    const packet = buildPacket(id, Instruction.WRITE, [register.address, ...bytes]);
    const [reply] = await this.transact(packet, [id], 0, retries);
    this.assertNoError(reply!, `writing ${name}`);
  }

  /** Stage a write that takes effect at the next ACTION (all staged motors move together). */
  async regWrite(id: number, name: RegisterName, value: number): Promise<void> {
    const register = CONTROL_TABLE[name];
    const packet = buildPacket(id, Instruction.REG_WRITE, [register.address, ...toBytes(encodeRegister(register, value), register.size)]);
    const [reply] = await this.transact(packet, [id], 0, 0);
    this.assertNoError(reply!, `staging ${name}`);
  }

  /** Apply every staged REG_WRITE (broadcast, no reply). */
  async action(): Promise<void> {
    await this.exclusive(() => this.send(buildPacket(BROADCAST_ID, Instruction.ACTION)));
  }

  /**
   * Read one register of several motors in one transaction: one status packet per motor, in the
   * order asked. Retried as a whole (LeRobot's num_retry); a motor still silent rejects with
   * MotorTimeoutError. Motors' status bits are returned in `statusErrors`, not thrown.
   */
  async syncRead(name: RegisterName, ids: number[], retries = this.readRetries): Promise<SyncReadResult> {
    const register = CONTROL_TABLE[name];
    const packet = buildPacket(BROADCAST_ID, Instruction.SYNC_READ, [register.address, register.size, ...ids]);
    const replies = await this.transact(packet, ids, register.size, retries);
    const result: SyncReadResult = { values: new Map(), statusErrors: new Map() };
    for (const reply of replies) {
      result.values.set(reply.id, decodeRegister(register, fromBytes(reply.params, 0, register.size)));
      if (reply.code !== 0) result.statusErrors.set(reply.id, reply.code);
    }
    return result;
  }

  /** Write one register of several motors in one packet (broadcast, no reply). */
  async syncWrite(name: RegisterName, values: Map<number, number>): Promise<void> {
    const register = CONTROL_TABLE[name];
    const params: number[] = [register.address, register.size];
    for (const [id, value] of values) params.push(id, ...toBytes(encodeRegister(register, value), register.size));
    await this.exclusive(() => this.send(buildPacket(BROADCAST_ID, Instruction.SYNC_WRITE, params)));
  }

  /** Stop listening to the transport (the caller closes it). */
  detach(): void {
    this.unsubscribe();
  }

  /** How motor `id` is named in messages: "motor 'elbow_flex' (id 3)". */
  motor(id: number): string {
    return motorLabel(id, this.motorNames[id]);
  }

  /**
   * Send `packet` and collect one valid status packet from each of `ids` (params of `replySize`
   * bytes). Retries the whole exchange; the final failure names the first silent motor.
   */
  private async transact(packet: Uint8Array, ids: number[], replySize: number, retries: number): Promise<Packet[]> {
    return this.exclusive(async () => {
      let lastMissing: number[] = ids;
      let lastBadChecksums = 0;
      for (let attempt = 0; attempt <= retries; attempt++) {
        if (attempt > 0) {
          this.retries++;
          await this.transport.flush();
        }
        this.parser.reset();
        const badBefore = this.parser.badChecksums;
        const replies = new Map<number, Packet>();
        await this.send(packet);
        // Each retry waits twice as long: a busy machine or a slow adapter gets a fair chance,
        // while a healthy exchange still fails fast the first time.
        const timeout = (transferMs(packet.length + (STATUS_OVERHEAD + replySize) * ids.length, this.transport.baudRate) +
          transferMs(3, this.transport.baudRate) + this.latencyMs) * 2 ** attempt;
        await this.collect(timeout, (reply) => {
          // A reply of another size is a late answer to an earlier request (a write's empty ack): not ours.
          if (ids.includes(reply.id) && !replies.has(reply.id) && reply.params.length === replySize) replies.set(reply.id, reply);
          return replies.size === ids.length;
        });
        if (replies.size === ids.length) return ids.map((id) => replies.get(id)!);
        lastMissing = ids.filter((id) => !replies.has(id));
        lastBadChecksums = this.parser.badChecksums - badBefore;
      }
      const id = lastMissing[0]!;
      const tries = retries + 1;
      if (lastBadChecksums > 0) {
        throw new MotorChecksumError(`${this.motor(id)} on ${this.port} sent corrupted replies (bad checksum) ${tries === 1 ? "" : `in all ${tries} tries`}`.trim(), id, this.port);
      }
      const others = lastMissing.length > 1 ? ` (nor did ${lastMissing.slice(1).map((m) => this.motor(m)).join(", ")})` : "";
      throw new MotorTimeoutError(`${this.motor(id)} did not answer on ${this.port}${tries > 1 ? ` after ${tries} tries` : ""}${others}`, id, this.port);
    });
  }

  /** Resolve after `timeoutMs`, or as soon as `accept` returns true for an incoming packet. */
  private collect(timeoutMs: number, accept: (packet: Packet) => boolean): Promise<void> {
    return new Promise((resolve) => {
      let finished = false;
      const done = () => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        this.waiting = undefined;
        resolve();
      };
      // Node runs expired timers before it reads pending input: after a busy moment the reply may
      // already be waiting. setImmediate runs after that read, so the timeout only counts when the
      // line really was silent.
      const timer = setTimeout(() => setImmediate(done), timeoutMs);
      this.waiting = (packet) => {
        if (accept(packet)) done();
      };
    });
  }

  private async send(packet: Uint8Array): Promise<void> {
    await this.transport.write(packet);
  }

  /** Run `job` after every earlier transaction: the bus carries one exchange at a time. */
  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private assertNoError(reply: Packet, doing: string): void {
    if (reply.code === 0) return;
    const what = describeStatusError(reply.code).join(", ");
    throw new MotorStatusError(`${this.motor(reply.id)} on ${this.port} reported ${what} while ${doing}`, reply.id, this.port, reply.code);
  }
}

function label(name: RegisterName | Register): string {
  return typeof name === "string" ? name : `address ${name.address}`;
}

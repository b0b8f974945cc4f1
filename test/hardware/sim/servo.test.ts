/**
 * One simulated STS3215 (SimulatedServo) held to the Feetech control table it stands in for: the
 * factory values, which writes the servo takes (EEPROM only while unlocked, never read-only
 * registers), the Homing_Offset frame and position limits, and the motor's motion on an injected
 * clock. The motion tests at the end go through the chain's packets, as a host would.
 */
import { describe, expect, it } from "vitest";
import { CONTROL_TABLE, MEMORY_SIZE, STS3215_DEFAULTS } from "../../../src/hardware/feetech/control-table.js";
import type { Register, RegisterName } from "../../../src/hardware/feetech/control-table.js";
import { buildStatusPacket, toBytes } from "../../../src/hardware/feetech/protocol.js";
import { SO101_JOINTS, SimulatedChain } from "../../../src/hardware/sim/chain.js";
import { SimulatedServo } from "../../../src/hardware/sim/servo.js";
import { SO101_IDS, clockedChain, exchange, presentPositions, read, readWord, syncWrite, word, write } from "../../helpers/sim-exchange.js";

const { Lock, Goal_Position, Present_Position, Torque_Enable, Acceleration, Min_Position_Limit, Max_Position_Limit, Homing_Offset } = CONTROL_TABLE;
const REGISTERS = Object.entries(CONTROL_TABLE) as [RegisterName, Register][];

/** A lone servo on a clock the test moves. */
function clockedServo(id = 1, options: { position?: number; range?: { min: number; max: number } } = {}) {
  const clock = { ms: 0 };
  const servo = new SimulatedServo(id, { ...options, now: () => clock.ms });
  return { clock, servo };
}

describe("SimulatedServo: the control table at power-on", () => {
  it("holds the STS3215 factory values, its id, and its position in Present_Position", () => {
    const { servo } = clockedServo(4, { position: 1234 });
    for (const [name, value] of Object.entries(STS3215_DEFAULTS)) {
      expect(servo.readRegister(name as RegisterName), name).toBe(name === "ID" ? 4 : value);
    }
    expect([servo.id, servo.model, servo.torqueEnabled]).toEqual([4, 777, false]);
    expect(servo.readRegister("Present_Position")).toBe(1234);
    expect(servo.readRegister("Moving")).toBe(0);
  });

  it("starts within its mechanical stops, and at 2048 when no position is given", () => {
    expect(clockedServo(1, { position: 100, range: { min: 500, max: 900 } }).servo.actualPosition).toBe(500);
    expect(clockedServo(1, { position: 4000, range: { min: 500, max: 900 } }).servo.actualPosition).toBe(900);
    expect(clockedServo().servo.actualPosition).toBe(2048);
  });
});

describe("SimulatedServo: host writes", () => {
  const writable = REGISTERS.filter(([, r]) => !r.readOnly);
  /** A value other than the register's current one that the register can hold. */
  const changed = (servo: SimulatedServo, name: RegisterName) => servo.readRegister(name) + 1;

  it("ignores writes to every EEPROM register while Lock is 1, and takes them once Lock is 0", () => {
    const eeprom = writable.filter(([, r]) => r.eeprom);
    expect(eeprom.map(([name]) => name)).toContain("Homing_Offset");
    for (const [name] of eeprom) {
      const { servo } = clockedServo();
      const before = servo.readRegister(name);
      servo.writeRegister(name, changed(servo, name));
      expect(servo.readRegister(name), `${name} while locked`).toBe(before);
      servo.writeRegister("Lock", 0);
      servo.writeRegister(name, before + 1);
      expect(servo.readRegister(name), `${name} unlocked`).toBe(before + 1);
    }
  });

  it("takes writes to RAM registers whatever Lock says", () => {
    for (const [name] of writable.filter(([n, r]) => !r.eeprom && n !== "Torque_Enable")) {
      const { servo } = clockedServo();
      expect(servo.readRegister("Lock")).toBe(1);
      const value = changed(servo, name);
      servo.writeRegister(name, value);
      expect(servo.readRegister(name), name).toBe(value);
    }
  });

  it("ignores writes to read-only registers, unlocked or not", () => {
    const readOnly = REGISTERS.filter(([, r]) => r.readOnly);
    expect(readOnly.map(([name]) => name)).toEqual(expect.arrayContaining(["Model_Number", "Present_Position", "Present_Load", "Moving"]));
    const { servo } = clockedServo();
    servo.writeRegister("Lock", 0);
    for (const [name, register] of readOnly) {
      const before = servo.read(register.address, register.size);
      servo.write(register.address, before.map((b) => b ^ 0x5a));
      expect(servo.read(register.address, register.size), name).toEqual(before);
    }
  });

  it("applies one write across neighbouring registers byte by byte, skipping unused addresses", () => {
    const { servo } = clockedServo();
    // Addresses 37..39 belong to no register; 40 is Torque_Enable, 41 Acceleration.
    servo.write(37, [9, 9, 9, 0, 50]);
    expect(Array.from(servo.read(37, 5))).toEqual([0, 0, 0, 0, 50]);
    expect(servo.readRegister("Acceleration")).toBe(50);
  });

  it("reads addresses past the end of its memory as 0", () => {
    const { servo } = clockedServo();
    const tail = servo.read(MEMORY_SIZE - 2, 6);
    expect(tail).toHaveLength(6);
    expect(Array.from(tail.subarray(2))).toEqual([0, 0, 0, 0]);
  });

  it("holds a REG_WRITE until ACTION, a newer one replacing it, and applies it only once", () => {
    const { servo } = clockedServo();
    servo.regWrite(Acceleration.address, [10]);
    servo.regWrite(Acceleration.address, [20]);
    expect(servo.readRegister("Acceleration")).toBe(0);
    servo.action();
    expect(servo.readRegister("Acceleration")).toBe(20);
    servo.writeRegister("Acceleration", 5);
    servo.action();
    expect(servo.readRegister("Acceleration")).toBe(5);
  });
});

describe("SimulatedServo: the joint moved from outside", () => {
  it("follows the outside world within its stops while free, reporting the speed it was moved at", () => {
    const { clock, servo } = clockedServo(1, { position: 1000, range: { min: 800, max: 3000 } });
    clock.ms = 100;
    expect(servo.setActualPosition(1200)).toBe(true);
    expect(servo.readRegister("Present_Position")).toBe(1200);
    expect(servo.readRegister("Present_Velocity")).toBe(2000); // 200 steps in 100 ms
    expect(servo.readRegister("Moving")).toBe(1);
    expect(servo.setActualPosition(100)).toBe(true);
    expect(servo.actualPosition).toBe(800);
  });

  it("reads as still once the outside world has not moved it for a while", () => {
    const { clock, servo } = clockedServo(1, { position: 1000 });
    clock.ms = 10;
    servo.setActualPosition(1100);
    expect(servo.readRegister("Present_Velocity")).not.toBe(0);
    clock.ms = 200;
    expect(servo.readRegister("Present_Velocity")).toBe(0);
    expect(servo.readRegister("Moving")).toBe(0);
  });

  it("stays where it is, whatever the goal, while torque is off", () => {
    const { clock, servo } = clockedServo(1, { position: 1000 });
    servo.writeRegister("Goal_Position", 3000);
    clock.ms += 1000;
    expect(servo.readRegister("Present_Position")).toBe(1000);
    expect(servo.readRegister("Present_Load")).toBe(0);
  });
});

describe("SimulatedServo: speed and acceleration limits", () => {
  it("caps its speed at Goal_Velocity (steps/s)", () => {
    const { clock, servo } = clockedServo(1, { position: 1000 });
    servo.writeRegister("Goal_Velocity", 500);
    servo.writeRegister("Goal_Position", 3000);
    servo.writeRegister("Torque_Enable", 1);
    clock.ms = 1000;
    expect(servo.readRegister("Present_Position")).toBe(1500);
    expect(servo.readRegister("Present_Velocity")).toBe(500);
    expect(servo.readRegister("Moving")).toBe(1);
  });

  it("ramps its speed up by Acceleration x 100 steps/s² instead of jumping to full speed", () => {
    const speedAfter100ms = (acceleration: number) => {
      const { clock, servo } = clockedServo(1, { position: 1000 });
      servo.writeRegister("Acceleration", acceleration);
      servo.writeRegister("Goal_Position", 3000);
      servo.writeRegister("Torque_Enable", 1);
      clock.ms = 100;
      return servo.readRegister("Present_Velocity");
    };
    expect(speedAfter100ms(10)).toBe(100); // 1000 steps/s² for 0.1 s
    expect(speedAfter100ms(0)).toBe(3000); // no ramp: the no-load top speed at once
  });

  it("stops, and reads as still, the moment torque goes off mid-move", () => {
    const { clock, servo } = clockedServo(1, { position: 1000 });
    servo.writeRegister("Goal_Position", 3000);
    servo.writeRegister("Torque_Enable", 1);
    clock.ms = 100;
    const reached = servo.actualPosition;
    expect(reached).toBeGreaterThan(1000);
    servo.writeRegister("Torque_Enable", 0);
    clock.ms = 1000;
    expect(servo.actualPosition).toBe(reached);
    expect([servo.readRegister("Present_Velocity"), servo.readRegister("Moving")]).toEqual([0, 0]);
  });
});

describe("SimulatedServo: motion and frames", () => {
  it("moves towards sync-written goals on the injected clock (sync write has no reply)", async () => {
    const { clock, chain } = clockedChain();
    const start = SO101_JOINTS.map((j) => j.rest);
    const goals = start.map((p, i) => p + [600, 600, -600, -600, 600, 600][i]!);
    const syncSet = (address: number, size: 1 | 2, values: number[]) =>
      syncWrite(address, size, Object.fromEntries(SO101_IDS.map((id, i) => [id, toBytes(values[i]!, size)])));

    expect((await exchange(chain, syncSet(Acceleration.address, 1, SO101_IDS.map(() => 254)), 1)).bytes).toEqual([]);
    expect((await exchange(chain, syncSet(Goal_Position.address, 2, goals), 1)).bytes).toEqual([]);
    expect((await exchange(chain, syncSet(Torque_Enable.address, 1, SO101_IDS.map(() => 1)), 1)).bytes).toEqual([]);

    clock.ms += 100;
    const early = await presentPositions(chain);
    early.forEach((p, i) => {
      expect(Math.abs(p - start[i]!)).toBeGreaterThan(20);
      expect(Math.abs(p - start[i]!)).toBeLessThan(600);
      expect(Math.sign(p - start[i]!)).toBe(Math.sign(goals[i]! - start[i]!));
    });
    expect(chain.servo(1).readRegister("Moving")).toBe(1);
    expect(Math.abs(chain.servo(1).readRegister("Present_Velocity"))).toBeGreaterThan(1000);

    clock.ms += 100;
    const later = await presentPositions(chain);
    later.forEach((p, i) => expect(Math.abs(goals[i]! - p)).toBeLessThan(Math.abs(goals[i]! - early[i]!)));

    clock.ms += 1000;
    expect(await presentPositions(chain)).toEqual(goals);
    expect(chain.servo(1).readRegister("Moving")).toBe(0);
    expect(chain.servo(1).readRegister("Present_Velocity")).toBe(0);
  });

  it("reaches the goal at ~3000 steps/s, on the same trajectory however often it is polled", () => {
    const traces = [1, 7, 70].map((pollMs) => {
      const clock = { ms: 0 };
      const servo = SimulatedChain.so101({ now: () => clock.ms }).servo(5);
      servo.writeRegister("Goal_Position", 2120 + 1500);
      servo.writeRegister("Torque_Enable", 1);
      const trace: number[] = [];
      for (clock.ms = pollMs; clock.ms <= 700; clock.ms += pollMs) {
        const present = servo.readRegister("Present_Position");
        if (clock.ms % 70 === 0) trace.push(present);
      }
      return trace;
    });
    expect(traces[0]).toEqual(traces[2]);
    expect(traces[1]).toEqual(traces[2]);
    // no acceleration ramp (Acceleration 0): 1500 steps at 3000 steps/s take 500 ms
    expect(traces[2]![0]).toBe(2120 + 210);
    expect(traces[2]![6]).toBe(2120 + 1470);
    expect(traces[2]![7]).toBe(2120 + 1500);
  });

  it("holds where it is when torque comes on without a goal ever written, and then resists the outside world", () => {
    const { clock, chain } = clockedChain();
    const servo = chain.servo(3);
    expect(servo.setActualPosition(2500)).toBe(true);
    servo.writeRegister("Torque_Enable", 1);
    clock.ms += 1000;
    expect(servo.readRegister("Goal_Position")).toBe(2500);
    expect(servo.readRegister("Present_Position")).toBe(2500);
    expect(servo.setActualPosition(1000)).toBe(false);
    expect(servo.actualPosition).toBe(2500);
  });

  it("reports Present_Position = actual - Homing_Offset, sign-magnitude when negative, and takes goals in that frame", async () => {
    const { clock, chain } = clockedChain();
    await exchange(chain, write(1, Lock.address, [0]), 1);
    await exchange(chain, write(1, Homing_Offset.address, word(2047)), 1);
    const negative = await exchange(chain, read(1, Present_Position.address, 2), 1);
    expect(negative.bytes).toEqual([...buildStatusPacket(1, 0, [2047 - 2010, 0x80])]); // -37
    expect(chain.servo(1).readRegister("Present_Position")).toBe(-37);

    await exchange(chain, write(1, Homing_Offset.address, word(0x800 | 100)), 1); // -100
    expect(await readWord(chain, 1, Present_Position.address)).toBe(2110);

    await exchange(chain, write(1, Goal_Position.address, word(1000)), 1);
    await exchange(chain, write(1, Torque_Enable.address, [1]), 1);
    clock.ms += 1000;
    expect(chain.servo(1).actualPosition).toBe(900);
    expect(await readWord(chain, 1, Present_Position.address)).toBe(1000);
  });

  it("clamps goals to Min/Max_Position_Limit (in the Present frame)", async () => {
    const { clock, chain } = clockedChain();
    const servo = chain.servo(1);
    await exchange(chain, write(1, Lock.address, [0]), 1);
    await exchange(chain, write(1, Min_Position_Limit.address, word(1500)), 1);
    await exchange(chain, write(1, Max_Position_Limit.address, word(2500)), 1);
    await exchange(chain, write(1, Homing_Offset.address, word(100)), 1);
    await exchange(chain, write(1, Goal_Position.address, word(3000)), 1);
    await exchange(chain, write(1, Torque_Enable.address, [1]), 1);
    clock.ms += 1000;
    expect(servo.readRegister("Present_Position")).toBe(2500);
    expect(servo.actualPosition).toBe(2600);
    await exchange(chain, write(1, Goal_Position.address, word(100)), 1);
    clock.ms += 1000;
    expect(servo.readRegister("Present_Position")).toBe(1500);
  });

  it("stops at a mechanical stop and reports the load of pushing against it", () => {
    const { clock, chain } = clockedChain();
    const gripper = chain.servo(6);
    gripper.writeRegister("Goal_Position", 1000); // below the closed stop at 1990
    gripper.writeRegister("Torque_Enable", 1);
    clock.ms += 1000;
    expect(gripper.actualPosition).toBe(1990);
    expect(gripper.readRegister("Moving")).toBe(0);
    expect(gripper.readRegister("Present_Load")).toBe(-495);
    expect(gripper.readRegister("Present_Current")).toBeGreaterThan(100);
  });
});

/**
 * openArmLink: which transport an arm's port names. `sim` is a simulated arm in this process, an
 * injected transport is used as is, anything else is a serial port (a socat pty here, as a USB
 * adapter would be).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIM_PORT, isSimulatedPort, openArmLink } from "../../../src/hardware/robots/arm-link.js";
import { openSimulatedArm } from "../../../src/hardware/robots/sim-arm.js";
import { SerialTransport } from "../../../src/hardware/serial-transport.js";
import { SimulatedChain } from "../../../src/hardware/sim/chain.js";
import type { SimulatedHand } from "../../../src/hardware/sim/hand.js";
import { TransportError } from "../../../src/hardware/transport.js";
import { openPtyPair } from "../../helpers/pty.js";
import type { PtyPair } from "../../helpers/pty.js";

const probe = await openPtyPair();
await probe?.close();
if (!probe) console.warn("arm-link: serial port test skipped, socat is not installed (.ci/run installs it; apt-get install socat)");

/** The hand's pose `ms` after its mode began (its start is the chain's clock minus the time elapsed). */
const poseAfter = (hand: SimulatedHand, ms: number) => hand.poseAt(hand.chain.now() - hand.progress.elapsedMs + ms);

describe("isSimulatedPort", () => {
  it("is true for the port name `sim` only", () => {
    expect(SIM_PORT).toBe("sim");
    expect(["sim", "SIM", "/dev/sim", "sim0", ""].map(isSimulatedPort)).toEqual([true, false, false, false, false]);
  });
});

describe("openArmLink (the transport chosen outside the arm)", () => {
  it("gives the simulator for port 'sim', an injected transport as is, and a serial port otherwise", async () => {
    const sim = await openArmLink("sim", "leader", { simSeed: 3 });
    expect(sim.transport).toBe(sim.simulator!.transport);
    expect(sim.transport.path).toBe("sim");
    await sim.transport.close();
    const chain = SimulatedChain.so101();
    const injected = await openArmLink("/dev/ttyACM7", "follower", { transport: chain });
    expect(injected).toEqual({ transport: chain, simulator: undefined });
    await chain.close();
    await expect(openArmLink("/dev/lerobot-ts-no-such-port", "follower")).rejects.toThrow(TransportError);
    await expect(openArmLink("/dev/lerobot-ts-no-such-port", "follower")).rejects.toThrow(/port \/dev\/lerobot-ts-no-such-port does not exist/);
  });
});

describe("openArmLink on the sim port", () => {
  it("uses the simulated arm it is given instead of making one", async () => {
    const simulator = openSimulatedArm("follower");
    expect(await openArmLink("sim", "follower", { simulator })).toEqual({ transport: simulator.transport, simulator });
  });

  it("prefers an injected transport to the simulator", async () => {
    const chain = SimulatedChain.so101();
    expect(await openArmLink("sim", "leader", { transport: chain })).toEqual({ transport: chain, simulator: undefined });
  });

  it("makes a leader whose hand teleoperates with the seed asked (default 1), and a follower left at rest", async () => {
    const follower = (await openArmLink("sim", "follower")).simulator!;
    expect(follower.hand.mode).toBe("idle");
    const seeded = (await openArmLink("sim", "leader", { simSeed: 3 })).simulator!;
    const defaulted = (await openArmLink("sim", "leader")).simulator!;
    expect([seeded.hand.mode, defaulted.hand.mode]).toEqual(["teleoperate", "teleoperate"]);
    const later = 4000; // past the ease-in from the rest pose
    const expected = (seed: number) => {
      const hand = openSimulatedArm("leader", { seed }).hand;
      return poseAfter(hand, later);
    };
    // Two hands on two clocks read a microsecond apart: a step of rounding either way.
    const close = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]!) <= 1);
    expect(close(poseAfter(seeded.hand, later), expected(3))).toBe(true);
    expect(close(poseAfter(defaulted.hand, later), expected(1))).toBe(true);
    expect(close(poseAfter(seeded.hand, later), expected(1))).toBe(false);
  });
});

describe.skipIf(!probe)("openArmLink on a serial port", () => {
  let pair: PtyPair;
  beforeAll(async () => {
    pair = (await openPtyPair())!;
  });
  afterAll(() => pair.close());

  it("opens the port by path, with no simulator, and the bytes reach the other end", async () => {
    const link = await openArmLink(pair.a, "follower");
    const other = await SerialTransport.open(pair.b);
    try {
      expect(link.simulator).toBeUndefined();
      expect(link.transport).toBeInstanceOf(SerialTransport);
      expect([link.transport.path, link.transport.isOpen]).toEqual([pair.a, true]);
      const received = new Promise<number[]>((resolve) => {
        const bytes: number[] = [];
        other.onData((chunk) => {
          bytes.push(...chunk);
          if (bytes.length >= 6) resolve(bytes);
        });
      });
      await link.transport.write(Uint8Array.from([0xff, 0xff, 0x01, 0x02, 0x01, 0xfb]));
      expect(await received).toEqual([0xff, 0xff, 0x01, 0x02, 0x01, 0xfb]);
    } finally {
      await link.transport.close();
      await other.close();
    }
  });
});

/**
 * Which transport an arm's port names, chosen here and not in the arm (as serialport keeps its
 * mock binding beside the real one): `sim` is a simulated arm in this process, anything else a
 * serial port; a caller may inject either. SOArm only ever sees the Transport, plus the simulated
 * arm behind it when there is one (its hand does a person's part, it knows its own calibration).
 */
import { SerialTransport } from "../serial-transport.js";
import type { Transport } from "../transport.js";
import type { SimulatedArm } from "./sim-arm.js";
import { openSimulatedArm } from "./sim-arm.js";
import type { ArmRole } from "./types.js";

/** The port name of the built-in simulated arm (`--robot.port=sim`). */
export const SIM_PORT = "sim";

/** Whether `port` names the built-in simulator. */
export function isSimulatedPort(port: string): boolean {
  return port === SIM_PORT;
}

/** How an arm's transport is obtained: injected, simulated, or the serial port (the default). */
export interface ArmLinkOptions {
  /** Use this transport instead of opening the port (tests, bridges). */
  transport?: Transport;
  /** With the sim port: this simulated arm instead of a new one (tests inject faults through it). */
  simulator?: SimulatedArm;
  /** With the sim port and no `simulator`: the seed of a simulated leader's motion (default 1). */
  simSeed?: number;
}

/** An opened link to an arm. */
export interface ArmLink {
  transport: Transport;
  /** The simulated arm on the other end of `transport`, when it is one. */
  simulator: SimulatedArm | undefined;
}

/** Open the transport to the arm of this role on `port`; rejects with TransportError when a serial port cannot be opened. */
export async function openArmLink(port: string, role: ArmRole, options: ArmLinkOptions = {}): Promise<ArmLink> {
  if (options.transport) return { transport: options.transport, simulator: undefined };
  if (isSimulatedPort(port)) {
    const simulator = options.simulator ?? openSimulatedArm(role, options.simSeed !== undefined ? { seed: options.simSeed } : {});
    return { transport: simulator.transport, simulator };
  }
  return { transport: await SerialTransport.open(port), simulator: undefined };
}

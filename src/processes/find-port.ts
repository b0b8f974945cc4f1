/**
 * Which port is the arm on? LeRobot's `lerobot-find-port` flow: list the ports, have the user unplug
 * the arm's USB cable, list again; the port that disappeared is the arm's. The caller talks to the
 * user (onPrompt, waitForUser): this library never reads stdin.
 */
import { listPorts as listSystemPorts } from "../hardware/index.js";
import type { PortInfo } from "../hardware/index.js";
import { lifecycle, sleep, unlessAborted } from "./lifecycle.js";
import { STOPPED } from "./process.js";
import type { HardwareProcess, Stopped } from "./process.js";

/** LeRobot's words asking the user to unplug the arm. */
export const UNPLUG_PROMPT = "Remove the USB cable from your MotorsBus and press Enter when done.";

/** Configuration of findPort(): how to talk to the user. */
export interface FindPortConfig {
  /** Resolves when the user has unplugged the cable (pressed Enter). */
  waitForUser: () => Promise<void>;
  /** Show this to the user before waitForUser is called. */
  onPrompt?: (message: string) => void;
  /** Called on every change of phase. */
  onStateUpdate?: (state: FindPortState) => void;
  /** Where the ports come from; tests simulate unplugging with it. Default: listPorts(). */
  listPorts?: () => Promise<PortInfo[]>;
  /** Wait after the user's Enter before listing again: the OS takes a moment to drop the device. */
  settleMs?: number;
}

/** What findPort reports through onStateUpdate and getState(). */
export interface FindPortState {
  phase: "ready" | "listing" | "waiting-for-unplug" | "done" | "stopped" | "failed";
  /** Ports before the unplug. */
  portsBefore: PortInfo[];
  /** Ports after it. */
  portsAfter: PortInfo[];
  /** The message of the error that failed the process. */
  error?: string | undefined;
}

/** The arm's port: the one that disappeared. */
export interface FindPortResult {
  /** Its path (`/dev/ttyACM0`, `COM3`). */
  port: string;
  /** What the OS said of it before the unplug. */
  info: PortInfo;
}

/** Resolves with the port, or with STOPPED when stop() came first. */
export type FindPortProcess = HardwareProcess<FindPortState, FindPortResult | Stopped>;

/** The flow could not name one port; the message says what to do. */
export class FindPortError extends Error {
  override name = "FindPortError";
}

/**
 * Find the arm's port as LeRobot's find_port (lerobot/scripts/lerobot_find_port.py): list ports,
 * ask the user to unplug the arm (onPrompt, then waitForUser), list again. A process object; its
 * contract is processes/process.ts. Resolves at once (nothing is opened, ever). `result` resolves
 * with the one port that disappeared, or STOPPED when stopped first; it rejects with FindPortError
 * when there are no ports, or none or several disappeared.
 */
export async function findPort(config: FindPortConfig): Promise<FindPortProcess> {
  const list = config.listPorts ?? (() => listSystemPorts());
  const settleMs = config.settleMs ?? 500;
  const lc = lifecycle<FindPortState, FindPortResult | Stopped>({
    state: { phase: "ready", portsBefore: [], portsAfter: [] },
    onStateUpdate: config.onStateUpdate,
    // It opens nothing: listing ports holds no device.
    release: async () => {},
    stoppedResult: () => STOPPED,
    run: async (): Promise<FindPortResult> => {
      const { signal } = lc;
      lc.update({ phase: "listing" });
      const portsBefore = await unlessAborted(list(), signal);
      if (portsBefore.length === 0) throw new FindPortError("no serial ports found; plug the arm's USB cable into this computer (and power the arm), then try again");
      lc.update({ phase: "waiting-for-unplug", portsBefore });
      config.onPrompt?.(UNPLUG_PROMPT);
      await unlessAborted(config.waitForUser(), signal);
      lc.update({ phase: "listing" });
      if (settleMs > 0) await sleep(settleMs, signal);
      const portsAfter = await unlessAborted(list(), signal);
      // Reported with the outcome (done or failed) rather than as a state of its own.
      lc.state.portsAfter = portsAfter;
      const port = disappeared(portsBefore, portsAfter);
      return { port: port.path, info: port };
    },
  });
  return lc.process;
}

function disappeared(before: PortInfo[], after: PortInfo[]): PortInfo {
  const remaining = new Set(after.map((p) => p.path));
  const gone = before.filter((p) => !remaining.has(p.path));
  if (gone.length === 1) return gone[0]!;
  if (gone.length === 0) throw new FindPortError("no port disappeared; is the cable in this computer? Unplug the arm's USB cable (not its power) before pressing Enter");
  throw new FindPortError(`${gone.length} ports disappeared (${gone.map((p) => p.path).join(", ")}); unplug only the arm's USB cable and try again`);
}

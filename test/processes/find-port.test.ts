/** find-port: the unplug flow with simulated port lists and port listing from sysfs (the CLI: test/cli/commands/find-port.test.ts). */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listPorts } from "../../src/hardware/ports.js";
import type { PortInfo } from "../../src/hardware/ports.js";
import { FindPortError, UNPLUG_PROMPT, findPort } from "../../src/processes/find-port.js";
import type { FindPortConfig, FindPortState } from "../../src/processes/find-port.js";
import { openPtyPair } from "../helpers/pty.js";
import { tempDir } from "../helpers/synthetic.js";

const A: PortInfo = { path: "/dev/ttyACM0", vendorId: "1a86", productId: "55d3", serialNumber: "5A7A018662" };
const B: PortInfo = { path: "/dev/ttyACM1", vendorId: "1a86", productId: "55d3", serialNumber: "5A7A016064" };

/** A findPort run whose port lists come from `lists`, one per call, and whose user presses Enter at once. */
async function run(lists: PortInfo[][], extra: Partial<FindPortConfig> = {}) {
  const states: FindPortState[] = [];
  const prompts: string[] = [];
  let waits = 0;
  const job = await findPort({
    listPorts: async () => lists.shift() ?? [],
    waitForUser: async () => {
      waits++;
    },
    onPrompt: (message) => prompts.push(message),
    onStateUpdate: (state) => states.push(state),
    settleMs: 0,
    ...extra,
  });
  job.start();
  const outcome = await job.result.then(
    (result) => ({ result, error: undefined }),
    (error: unknown) => ({ result: undefined, error }),
  );
  return { ...outcome, states, prompts, waits: () => waits, job };
}

describe("findPort", () => {
  it("names the port that disappeared while the user unplugged the cable", async () => {
    const { result, states, prompts } = await run([[A, B], [A]]);
    expect(result).toEqual({ port: B.path, info: B });
    expect(prompts).toEqual([UNPLUG_PROMPT]);
    expect(states.map((s) => s.phase)).toEqual(["listing", "waiting-for-unplug", "listing", "done"]);
    expect(states[1]!.portsBefore).toEqual([A, B]);
    expect(states.at(-1)).toEqual({ phase: "done", portsBefore: [A, B], portsAfter: [A] });
  });

  it("fails clearly when no port disappeared", async () => {
    const { error, states, job } = await run([[A, B], [A, B]]);
    expect(error).toBeInstanceOf(FindPortError);
    expect((error as Error).message).toMatch(/^no port disappeared; is the cable in this computer\?/);
    expect(job.getState()).toMatchObject({ phase: "failed", portsAfter: [A, B] });
    expect(states.map((s) => s.phase)).toEqual(["listing", "waiting-for-unplug", "listing", "failed"]);
  });

  it("fails clearly when several ports disappeared", async () => {
    const { error } = await run([[A, B], []]);
    expect((error as Error).message).toMatch(/^2 ports disappeared \(\/dev\/ttyACM0, \/dev\/ttyACM1\); unplug only/);
  });

  it("does not ask to unplug anything when there is no port to begin with", async () => {
    const { error, prompts, waits } = await run([[]]);
    expect((error as Error).message).toMatch(/^no serial ports found; plug the arm's USB cable/);
    expect(prompts).toEqual([]);
    expect(waits()).toBe(0);
  });

  it("stops while waiting for the user", async () => {
    const states: FindPortState[] = [];
    const job = await findPort({
      listPorts: async () => [A],
      waitForUser: () => new Promise<void>(() => {}),
      onStateUpdate: (state) => {
        states.push(state);
        if (state.phase === "waiting-for-unplug") job.stop();
      },
    });
    job.start();
    expect(await job.result).toEqual({ stopped: true });
    expect(job.getState().phase).toBe("stopped");
    expect(states.map((s) => s.phase)).toEqual(["listing", "waiting-for-unplug", "stopped"]);
  });
});

describe("listPorts", () => {
  const root = tempDir();
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  /** A sysfs + /dev tree as Linux lays them out for a CDC-ACM board, a CH340 adapter, a UART and a console. */
  function fakeLinux(): void {
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), `${text}\n`);
    };
    const link = (file: string, target: string) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.symlinkSync(target, path.join(root, file));
    };
    const usb = "sys/devices/pci0000:00/0000:00:14.0/usb1";
    write(`${usb}/1-2/idVendor`, "1a86");
    write(`${usb}/1-2/idProduct`, "55D3");
    write(`${usb}/1-2/manufacturer`, "QinHeng Electronics");
    write(`${usb}/1-2/product`, "USB Single Serial");
    write(`${usb}/1-2/serial`, "5A7A018662");
    fs.mkdirSync(path.join(root, `${usb}/1-2/1-2:1.0/tty/ttyACM0`), { recursive: true });
    link(`${usb}/1-2/1-2:1.0/tty/ttyACM0/device`, "../../../1-2:1.0");
    link("sys/class/tty/ttyACM0", `../../devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/tty/ttyACM0`);
    // usb-serial drivers put a port folder between the interface and the tty.
    write(`${usb}/1-3/idVendor`, "1a86");
    write(`${usb}/1-3/idProduct`, "7523");
    write(`${usb}/1-3/product`, "USB Serial");
    fs.mkdirSync(path.join(root, `${usb}/1-3/1-3:1.0/ttyUSB0/tty/ttyUSB0`), { recursive: true });
    link(`${usb}/1-3/1-3:1.0/ttyUSB0/tty/ttyUSB0/device`, "../../../ttyUSB0");
    link("sys/class/tty/ttyUSB0", `../../devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3:1.0/ttyUSB0/tty/ttyUSB0`);
    fs.mkdirSync(path.join(root, "sys/devices/platform/serial8250/tty/ttyS0"), { recursive: true });
    link("sys/devices/platform/serial8250/tty/ttyS0/device", "../../../serial8250");
    link("sys/class/tty/ttyS0", "../../devices/platform/serial8250/tty/ttyS0");
    fs.mkdirSync(path.join(root, "sys/devices/virtual/tty/tty1"), { recursive: true });
    link("sys/class/tty/tty1", "../../devices/virtual/tty/tty1");
    link("dev/serial/by-id/usb-1a86_USB_Single_Serial_5A7A018662-if00", "../../ttyACM0");
    write("dev/pts/0", "");
    write("dev/pts/ptmx", "");
  }

  it.skipIf(process.platform !== "linux")("reads USB ports, their ids and by-id links from sysfs, and skips UARTs and consoles", async () => {
    fakeLinux();
    const dev = path.join(root, "dev");
    expect(await listPorts({ root })).toEqual([
      {
        path: path.join(dev, "ttyACM0"),
        manufacturer: "QinHeng Electronics",
        product: "USB Single Serial",
        serialNumber: "5A7A018662",
        vendorId: "1a86",
        productId: "55d3",
        byId: path.join(dev, "serial/by-id/usb-1a86_USB_Single_Serial_5A7A018662-if00"),
      },
      { path: path.join(dev, "ttyUSB0"), product: "USB Serial", vendorId: "1a86", productId: "7523" },
    ]);
    const withPseudo = await listPorts({ root, includePseudo: true });
    expect(withPseudo.map((p) => p.path)).toEqual([path.join(dev, "pts/0"), path.join(dev, "ttyACM0"), path.join(dev, "ttyUSB0")]);
  });

  it("finds nothing, without throwing, on a machine without ports", async () => {
    const empty = tempDir();
    try {
      expect(await listPorts({ root: empty, includePseudo: true })).toEqual([]);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it.skipIf(process.platform !== "linux")("sees a socat pseudo-terminal only when asked to", async (context) => {
    const pair = await openPtyPair();
    if (!pair) {
      console.warn("find-port: pty listing skipped, socat is not installed (.ci/run installs it)");
      context.skip();
      return;
    }
    try {
      expect((await listPorts({ includePseudo: true })).map((p) => p.path)).toEqual(expect.arrayContaining([pair.a, pair.b]));
      expect((await listPorts()).map((p) => p.path)).not.toContain(pair.a);
    } finally {
      await pair.close();
    }
  });
});

/** SerialTransport over real ttys: socat pty pairs stand in for a USB serial adapter. */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SerialTransport } from "../../src/hardware/serial-transport.js";
import { TransportError } from "../../src/hardware/transport.js";
import { openPtyPair } from "../helpers/pty.js";
import type { PtyPair } from "../helpers/pty.js";
import { receive } from "../helpers/received-bytes.js";
import { tempDir } from "../helpers/synthetic.js";

const probe = await openPtyPair();
await probe?.close();
if (!probe) console.warn("serial: pty tests skipped, socat is not installed (.ci/run installs it; apt-get install socat)");

describe.skipIf(!probe)("SerialTransport over a pty pair", () => {
  let pair: PtyPair;
  beforeAll(async () => {
    pair = (await openPtyPair())!;
  });
  afterAll(() => pair.close());

  it("carries bytes both ways intact and in order, 0xFF 0xFF headers and a 2 KB burst included", async () => {
    const a = await SerialTransport.open(pair.a);
    const b = await SerialTransport.open(pair.b, { baudRate: 1_000_000 });
    expect([a.isOpen, a.path, a.baudRate]).toEqual([true, pair.a, 1_000_000]);

    const ping = Uint8Array.from([0xff, 0xff, 0x01, 0x02, 0x01, 0xfb, 0xff, 0xff, 0xff, 0x00]);
    const atB = receive(b, ping.length);
    await a.write(ping);
    expect(await atB).toEqual(ping);

    await b.flush();
    const burst = Uint8Array.from({ length: 2048 }, (_, i) => (i * 37 + (i >> 8)) & 0xff);
    const atA = receive(a, burst.length);
    await b.write(burst);
    expect(await atA).toEqual(burst);

    const closes: (Error | undefined)[] = [];
    a.onClose((error) => closes.push(error));
    await a.close();
    await b.close();
    expect(closes).toEqual([undefined]);
    expect(a.isOpen).toBe(false);
    await expect(a.write(ping)).rejects.toBeInstanceOf(TransportError);
  });

  it("refuses a port another program holds", async () => {
    const first = await SerialTransport.open(pair.a);
    const error = await SerialTransport.open(pair.a).catch((e: unknown) => e);
    await first.close();
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).message).toMatch(/in use by another program/);
  });
});

describe.skipIf(!probe)("SerialTransport losing its port", () => {
  it("calls onClose once with a TransportError when socat (the 'adapter') goes away", async () => {
    const pair = (await openPtyPair())!;
    const a = await SerialTransport.open(pair.a);
    const errors: (Error | undefined)[] = [];
    const lost = new Promise<void>((resolve) =>
      a.onClose((error) => {
        errors.push(error);
        resolve();
      }),
    );
    await pair.close();
    await lost;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(TransportError);
    expect(errors[0]!.message).toContain(pair.a);
    expect(a.isOpen).toBe(false);
    await a.close();
  });
});

describe("SerialTransport open errors", () => {
  it("names a missing port and points at find-port", async () => {
    const error = await SerialTransport.open("/dev/ttyACM97").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).path).toBe("/dev/ttyACM97");
    expect((error as TransportError).message).toMatch(/^port \/dev\/ttyACM97 does not exist \(.*lerobot-ts find-port/);
  });

  const built = path.join(import.meta.dirname, "..", "..", "dist", "hardware", "serial-transport.js");
  const asRoot = process.getuid?.() === 0;
  const skipReason =
    process.platform !== "linux"
      ? "the dialout hint is Linux's"
      : asRoot && !fs.existsSync(built)
        ? "running as root, and the child that opens the port as nobody needs dist/ (run `npm run build`)"
        : undefined;
  if (skipReason) console.warn(`serial: permission test skipped: ${skipReason}`);

  it.skipIf(skipReason)("turns permission denied into the dialout hint", async () => {
    const dir = tempDir();
    const file = path.join(dir, "ttyLocked");
    fs.writeFileSync(file, "");
    fs.chmodSync(file, 0o000);
    fs.chmodSync(dir, 0o755);
    try {
      let error: { name: string; message: string; path: string };
      if (asRoot) {
        // Root opens anything: ask an unprivileged child (nobody) to open it through the built module.
        const script = `
          const { SerialTransport } = await import(${JSON.stringify(pathToFileURL(built).href)});
          const e = await SerialTransport.open(${JSON.stringify(file)}).then(() => ({ name: "opened" }), (e) => e);
          process.stdout.write(JSON.stringify({ name: e.name, message: e.message, path: e.path }));`;
        const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { uid: 65534, gid: 65534, encoding: "utf8" });
        expect(child.status, child.stderr).toBe(0);
        error = JSON.parse(child.stdout) as typeof error;
      } else {
        error = (await SerialTransport.open(file).catch((e: unknown) => e)) as TransportError;
      }
      expect(error.name).toBe("TransportError");
      expect(error.path).toBe(file);
      expect(error.message).toContain(`permission denied opening port ${file}`);
      expect(error.message).toContain("sudo usermod -aG dialout $USER");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

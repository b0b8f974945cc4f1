/**
 * listPorts on Linux: USB serial ports read from sysfs (a fake tree through `root`, built as the
 * kernel and udev lay theirs out), and real pseudo-terminals from socat.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listPorts } from "../../src/hardware/ports.js";
import { FakeSysfs } from "../helpers/fake-sysfs.js";
import { openPtyPair } from "../helpers/pty.js";
import { tempDir } from "../helpers/synthetic.js";

const linux = process.platform === "linux";
if (!linux) console.warn("ports: sysfs tests run on Linux only (elsewhere listPorts asks serialport)");
const probe = linux ? await openPtyPair() : undefined;
await probe?.close();
const socat = probe !== undefined;
if (linux && !socat) console.warn("ports: pty listing skipped, socat is not installed (.ci/run installs it; apt-get install socat)");

/** A fresh fake tree for one test, removed after it. */
async function withTree<T>(build: (tree: FakeSysfs) => void, use: (tree: FakeSysfs) => Promise<T>): Promise<T> {
  const tree = new FakeSysfs(tempDir("lerobot-ts-sysfs-"));
  try {
    build(tree);
    return await use(tree);
  } finally {
    fs.rmSync(tree.root, { recursive: true, force: true });
  }
}

describe.runIf(linux)("listPorts (Linux sysfs)", () => {
  it("lists USB serial ports with what their USB device says, and skips UARTs and consoles", async () => {
    await withTree((tree) => {
      tree.usbTty("ttyACM0", { idVendor: "1a86", idProduct: "55D3", manufacturer: "QinHeng Electronics", product: "USB Single Serial", serial: "5A7A018662" });
      tree.usbTty("ttyUSB0", { idVendor: "1A86", idProduct: "7523", product: "USB Serial" }, { viaPortFolder: true });
      tree.platformTty("ttyS0");
      tree.console("tty1");
    }, async (tree) => {
      expect(await listPorts({ root: tree.root })).toEqual([
        { path: tree.dev("ttyACM0"), manufacturer: "QinHeng Electronics", product: "USB Single Serial", serialNumber: "5A7A018662", vendorId: "1a86", productId: "55d3" },
        { path: tree.dev("ttyUSB0"), product: "USB Serial", vendorId: "1a86", productId: "7523" },
      ]);
    });
  });

  it("adds the /dev/serial/by-id link of a port, and ignores an entry there that is no link", async () => {
    await withTree((tree) => {
      tree.usbTty("ttyACM0", { idVendor: "1a86" });
      tree.usbTty("ttyACM1", { idVendor: "1a86" });
      tree.byId("usb-1a86_USB_Single_Serial_5A7A016064-if00", "ttyACM1");
      tree.write("dev/serial/by-id/stray-file", "");
    }, async (tree) => {
      expect(await listPorts({ root: tree.root })).toEqual([
        { path: tree.dev("ttyACM0"), vendorId: "1a86" },
        { path: tree.dev("ttyACM1"), vendorId: "1a86", byId: tree.dev("serial/by-id/usb-1a86_USB_Single_Serial_5A7A016064-if00") },
      ]);
    });
  });

  it("sorts ports by number, not by text (ttyACM2 before ttyACM10)", async () => {
    await withTree((tree) => {
      for (const n of [10, 2, 1]) tree.usbTty(`ttyACM${n}`, { idVendor: "2e8a" });
    }, async (tree) => {
      expect((await listPorts({ root: tree.root })).map((p) => path.basename(p.path))).toEqual(["ttyACM1", "ttyACM2", "ttyACM10"]);
    });
  });

  it("keeps a ttyACM / ttyUSB port whose USB device cannot be found, without USB fields", async () => {
    await withTree((tree) => {
      tree.platformTty("ttyACM3");
    }, async (tree) => {
      expect(await listPorts({ root: tree.root })).toEqual([{ path: tree.dev("ttyACM3") }]);
    });
  });

  it("leaves out attributes that are empty", async () => {
    await withTree((tree) => {
      tree.usbTty("ttyACM0", { idVendor: "1a86", idProduct: "55d3", serial: "  ", manufacturer: "" });
    }, async (tree) => {
      expect(await listPorts({ root: tree.root })).toEqual([{ path: tree.dev("ttyACM0"), vendorId: "1a86", productId: "55d3" }]);
    });
  });

  it("adds numbered pseudo-terminals only when asked, never the multiplexer", async () => {
    await withTree((tree) => {
      tree.usbTty("ttyACM0", { idVendor: "1a86" });
      for (const name of ["3", "12", "ptmx"]) tree.pts(name);
    }, async (tree) => {
      expect((await listPorts({ root: tree.root })).map((p) => p.path)).toEqual([tree.dev("ttyACM0")]);
      expect((await listPorts({ root: tree.root, includePseudo: true })).map((p) => p.path))
        .toEqual([tree.dev("pts/3"), tree.dev("pts/12"), tree.dev("ttyACM0")]);
    });
  });

  it("finds nothing, without throwing, where there is no sysfs or /dev", async () => {
    await withTree(() => {}, async (tree) => {
      expect(await listPorts({ root: tree.root, includePseudo: true })).toEqual([]);
    });
  });

  it("reports a sysfs it cannot read rather than claiming there are no ports", async () => {
    await withTree((tree) => {
      tree.write("sys/class/tty", "not a folder");
    }, async (tree) => {
      await expect(listPorts({ root: tree.root })).rejects.toMatchObject({ code: "ENOTDIR" });
    });
  });
});

describe.runIf(linux && socat)("listPorts (Linux /dev/pts)", () => {
  it("sees a real socat pseudo-terminal only when asked to", async () => {
    const pair = (await openPtyPair())!;
    try {
      expect((await listPorts({ includePseudo: true })).map((p) => p.path)).toEqual(expect.arrayContaining([pair.a, pair.b]));
      expect((await listPorts()).map((p) => p.path)).not.toContain(pair.a);
    } finally {
      await pair.close();
    }
  });
});

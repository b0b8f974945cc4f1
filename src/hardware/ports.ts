/**
 * The serial ports an arm could be on. Linux reads sysfs itself: serialport's list() runs
 * `udevadm`, and where that is missing the failed spawn crashes the process. macOS and Windows ask
 * serialport, which uses the OS's own device APIs there.
 */
import fs from "node:fs/promises";
import path from "node:path";

/** A serial port and what the OS says of its USB device (fields absent when unknown). */
export interface PortInfo {
  /** What to open: `/dev/ttyACM0`, `/dev/tty.usbmodem5A7A0186621`, `COM3`. */
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  /** USB ids as 4 lower-case hex digits (`1a86`). */
  vendorId?: string;
  productId?: string;
  product?: string;
  /** The /dev/serial/by-id link, a name that survives replugging into another USB socket. */
  byId?: string;
}

/** Options of listPorts. */
export interface ListPortsOptions {
  /** Also list pseudo-terminals (/dev/pts/N, Linux): a simulator behind socat shows up there. */
  includePseudo?: boolean;
  /** Linux: the folder holding `sys/` and `dev/` (`/`); tests point it at a fake tree. */
  root?: string;
}

/**
 * The serial ports an arm could be on (USB serial devices; on Linux read from sysfs, elsewhere
 * through serialport), sorted by path. Resolves with [] when there are none; opens no port.
 */
export async function listPorts(options: ListPortsOptions = {}): Promise<PortInfo[]> {
  const ports = process.platform === "linux" ? await listLinuxPorts(options) : await listWithSerialport();
  return ports.sort((a, b) => a.path.localeCompare(b.path, "en", { numeric: true }));
}

async function listLinuxPorts({ includePseudo = false, root = "/" }: ListPortsOptions): Promise<PortInfo[]> {
  const devDir = path.join(root, "dev");
  // The real path: tty device links resolve to real paths, searched upwards to here.
  const sysRoot = await realpathOrUndefined(path.join(root, "sys"));
  const ports = sysRoot ? await listUsbTtys(sysRoot, devDir) : [];
  if (includePseudo) {
    for (const name of await readDir(path.join(devDir, "pts"))) {
      if (/^\d+$/.test(name)) ports.push({ path: path.join(devDir, "pts", name) });
    }
  }
  return ports;
}

async function listUsbTtys(sysRoot: string, devDir: string): Promise<PortInfo[]> {
  const ttyDir = path.join(sysRoot, "class", "tty");
  const byId = await byIdLinks(devDir);
  const ports: PortInfo[] = [];
  for (const name of await readDir(ttyDir)) {
    const device = await realpathOrUndefined(path.join(ttyDir, name, "device"));
    // Virtual consoles have no device; built-in UARTs (ttyS*) have one but no USB ancestor.
    if (!device) continue;
    const usb = await usbAncestor(device, sysRoot);
    if (!usb && !/^tty(ACM|USB)\d+$/.test(name)) continue;
    const devPath = path.join(devDir, name);
    ports.push({ path: devPath, ...(usb ? await usbAttributes(usb) : {}), ...defined({ byId: byId.get(devPath) }) });
  }
  return ports;
}

/** The USB device (the folder with idVendor) above a tty's device in sysfs. */
async function usbAncestor(device: string, sysRoot: string): Promise<string | undefined> {
  for (let dir = device; dir.startsWith(sysRoot) && dir !== sysRoot; dir = path.dirname(dir)) {
    if (await readAttribute(dir, "idVendor")) return dir;
  }
  return undefined;
}

async function usbAttributes(dir: string): Promise<Omit<PortInfo, "path">> {
  const [vendorId, productId, manufacturer, product, serialNumber] = await Promise.all(
    ["idVendor", "idProduct", "manufacturer", "product", "serial"].map((file) => readAttribute(dir, file)),
  );
  return defined({ manufacturer, serialNumber, vendorId: vendorId?.toLowerCase(), productId: productId?.toLowerCase(), product });
}

/** /dev/serial/by-id/<name> -> the device it points at (udev makes these links). */
async function byIdLinks(devDir: string): Promise<Map<string, string>> {
  const dir = path.join(devDir, "serial", "by-id");
  const links = new Map<string, string>();
  for (const name of await readDir(dir)) {
    const link = path.join(dir, name);
    try {
      links.set(path.resolve(dir, await fs.readlink(link)), link);
    } catch {
      // Not a link: udev only puts links here, so something else made it; it names no port.
    }
  }
  return links;
}

async function listWithSerialport(): Promise<PortInfo[]> {
  // Loaded here only: Linux never needs it (and its list() is unsafe there).
  const { SerialPort } = await import("serialport");
  const ports = await SerialPort.list();
  return ports.map((p) =>
    ({
      path: p.path,
      ...defined({ manufacturer: p.manufacturer, serialNumber: p.serialNumber, vendorId: p.vendorId?.toLowerCase(), productId: p.productId?.toLowerCase() }),
    }),
  );
}

async function readDir(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (error) {
    // A machine without the folder (no USB serial device, no udev, a container) has no ports.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

async function readAttribute(dir: string, file: string): Promise<string | undefined> {
  try {
    return (await fs.readFile(path.join(dir, file), "utf8")).trim() || undefined;
  } catch {
    return undefined;
  }
}

async function realpathOrUndefined(file: string): Promise<string | undefined> {
  try {
    return await fs.realpath(file);
  } catch {
    return undefined;
  }
}

/** The object without its undefined fields, so optional PortInfo fields are absent, not undefined. */
function defined<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * A fake Linux `/sys` + `/dev` tree, laid out as the kernel and udev lay them out, for listPorts'
 * `root` option: USB serial devices (CDC-ACM boards, usb-serial adapters), built-in UARTs,
 * virtual consoles, /dev/serial/by-id links and pseudo-terminals.
 */
import fs from "node:fs";
import path from "node:path";

/** What the USB device above a tty says of itself (sysfs attribute files; absent when undefined). */
export interface FakeUsbDevice {
  idVendor?: string;
  idProduct?: string;
  manufacturer?: string;
  product?: string;
  serial?: string;
}

export class FakeSysfs {
  private usbPorts = 0;

  constructor(readonly root: string) {}

  /** /dev/<name> in this tree. */
  dev(name: string): string {
    return path.join(this.root, "dev", name);
  }

  /**
   * A USB serial device: the tty under the USB interface (CDC-ACM: `ttyACM0`), or under a port
   * folder of a usb-serial driver (`ttyUSB0`, `viaPortFolder`), linked from sys/class/tty.
   */
  usbTty(name: string, usb: FakeUsbDevice, options: { viaPortFolder?: boolean } = {}): void {
    const device = `sys/devices/pci0000:00/0000:00:14.0/usb1/1-${++this.usbPorts}`;
    for (const [file, text] of Object.entries(usb)) if (text !== undefined) this.write(`${device}/${file}`, text);
    const iface = `${device}/1-${this.usbPorts}:1.0`;
    const parent = options.viaPortFolder ? `${iface}/${name}` : iface;
    this.tty(name, parent);
  }

  /** A tty whose device has no USB ancestor: a built-in UART (`ttyS0`) or a platform device. */
  platformTty(name: string): void {
    this.tty(name, `sys/devices/platform/serial8250-${name}`);
  }

  /** A virtual console: a tty with no device at all. */
  console(name: string): void {
    fs.mkdirSync(path.join(this.root, "sys/devices/virtual/tty", name), { recursive: true });
    this.link(`sys/class/tty/${name}`, `../../devices/virtual/tty/${name}`);
  }

  /** udev's /dev/serial/by-id/<name> link to /dev/<tty>. */
  byId(name: string, tty: string): void {
    this.link(`dev/serial/by-id/${name}`, `../../${tty}`);
  }

  /** /dev/pts/<name> (a pseudo-terminal when numeric; `ptmx` is the multiplexer). */
  pts(name: string): void {
    this.write(`dev/pts/${name}`, "");
  }

  /** A file of `text` (plus the newline sysfs ends attributes with) at `file` under the root. */
  write(file: string, text: string): void {
    fs.mkdirSync(path.dirname(path.join(this.root, file)), { recursive: true });
    fs.writeFileSync(path.join(this.root, file), `${text}\n`);
  }

  private tty(name: string, parent: string): void {
    fs.mkdirSync(path.join(this.root, parent, "tty", name), { recursive: true });
    this.link(`${parent}/tty/${name}/device`, "../..");
    this.link(`sys/class/tty/${name}`, path.relative(path.join(this.root, "sys/class/tty"), path.join(this.root, parent, "tty", name)));
  }

  private link(file: string, target: string): void {
    fs.mkdirSync(path.dirname(path.join(this.root, file)), { recursive: true });
    fs.symlinkSync(target, path.join(this.root, file));
  }
}

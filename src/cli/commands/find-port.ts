/**
 * `lerobot-ts find-port`: LeRobot's lerobot-find-port (list the ports, unplug the arm, press Enter,
 * name the port that disappeared), and `--list [--json]` to just show the serial ports.
 */
import readline from "node:readline";
import type { Command } from "commander";
import { listPorts } from "../../hardware/index.js";
import type { PortInfo } from "../../hardware/index.js";
import { findPort, isStopped } from "../../processes/index.js";
import { UsageError } from "../errors.js";

interface FindPortFlags {
  list?: boolean;
  json?: boolean;
  includePseudo?: boolean;
}

export function registerFindPort(program: Command): void {
  program
    .command("find-port")
    .description("find the serial port of an arm: unplug its USB cable when asked and see which port disappears")
    .option("--list", "only list the serial ports")
    .option("--json", "with --list: print one JSON document (schema lerobot-ts/find-port@1)")
    .option("--include-pseudo", "also list pseudo-terminals (/dev/pts/N, e.g. the simulator behind socat)")
    .action(async (flags: FindPortFlags) => {
      const list = () => listPorts({ includePseudo: !!flags.includePseudo });
      if (flags.json && !flags.list) throw new UsageError("--json works with --list only");
      if (flags.list) {
        const ports = await list();
        process.stdout.write(flags.json ? `${JSON.stringify({ schema: "lerobot-ts/find-port@1", ports }, null, 2)}\n` : formatPorts(ports));
        return;
      }
      process.stdout.write("Finding all available ports for the MotorsBus.\n");
      const job = await findPort({
        listPorts: list,
        onStateUpdate: (state) => {
          if (state.phase === "waiting-for-unplug") process.stdout.write(`Ports before disconnecting:\n${formatPorts(state.portsBefore)}`);
        },
        onPrompt: (message) => process.stdout.write(`${message}\n`),
        waitForUser: waitForEnter,
      });
      job.start();
      const result = await job.result;
      // Nothing stops it here; a stopped run has no port to print.
      if (isStopped(result)) return;
      const { port } = result;
      process.stdout.write(`The port of this MotorsBus is '${port}'\nReconnect the USB cable.\n`);
    });
}

/** One line from stdin, a terminal or a pipe alike (tests pipe "\n"). */
function waitForEnter(): Promise<void> {
  const input = readline.createInterface({ input: process.stdin, terminal: false });
  return new Promise((resolve, reject) => {
    input.once("line", () => {
      resolve();
      input.close();
    });
    input.once("close", () => reject(new UsageError("stdin ended before Enter was pressed")));
  });
}

function formatPorts(ports: PortInfo[]): string {
  if (ports.length === 0) return "No serial ports found.\n";
  const rows = [
    ["PATH", "MANUFACTURER", "SERIAL", "VID:PID", "BY-ID"],
    ...ports.map((p) => [
      p.path,
      p.manufacturer ?? "-",
      p.serialNumber ?? "-",
      p.vendorId && p.productId ? `${p.vendorId}:${p.productId}` : "-",
      p.byId ?? "-",
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => `${row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd()}\n`).join("");
}

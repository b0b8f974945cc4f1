/**
 * hardware: the Feetech bus against the simulated SO-101.
 *  - syncRead of 6 positions: round trip over the in-memory simulator and over a real
 *    pseudo-terminal (socat) through serialport, and our encode + parse cost per cycle;
 *  - teleoperate at 60 Hz for 30 s (5 s with --quick), simulated leader and follower:
 *    achieved rate and period jitter.
 * The physical reference: about 1.0 ms per 6-motor sync read on a real SO-101 at 1 Mbps.
 *
 *   node bench/hardware.js [--quick]
 */
import { spawn } from "node:child_process";
import { FeetechBus, SerialTransport, SimulatedChain, bridgeToSerial, teleoperate } from "../dist/index.js";
// The packet layer is internal to the bus; the benchmark times it directly.
import { Instruction, PacketParser, buildPacket, buildStatusPacket } from "../dist/hardware/index.js";
import { fmt, header, line, now, parseFlags, percentile, summary, verdict } from "./common.js";

const { quick } = parseFlags();
const IDS = [1, 2, 3, 4, 5, 6];
const READS = quick ? 500 : 3000;
const TELEOP_S = quick ? 5 : 30;
const REFERENCE_MS = 1.0;

async function timeSyncReads(bus, count) {
  for (let i = 0; i < 50; i++) await bus.syncRead("Present_Position", IDS);
  const times = [];
  for (let i = 0; i < count; i++) {
    const t0 = now();
    await bus.syncRead("Present_Position", IDS);
    times.push(now() - t0);
  }
  return times;
}

function encodeParseMicros(cycles) {
  const replies = Buffer.concat(IDS.map((id) => Buffer.from(buildStatusPacket(id, 0, [0x00, 0x08]))));
  let parsed = 0;
  const parser = new PacketParser(() => parsed++);
  const t0 = now();
  for (let i = 0; i < cycles; i++) {
    buildPacket(0xfe, Instruction.SYNC_READ, [56, 2, ...IDS]);
    parser.push(replies);
  }
  const us = ((now() - t0) * 1000) / cycles;
  if (parsed !== cycles * IDS.length) throw new Error("parser lost packets");
  return us;
}

/** Two linked pseudo-terminals from socat, or undefined without socat. */
function ptyPair() {
  return new Promise((resolve) => {
    const child = spawn("socat", ["-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0"], { stdio: ["ignore", "ignore", "pipe"] });
    const paths = [];
    child.on("error", () => resolve(undefined));
    child.stderr.on("data", (d) => {
      for (const m of d.toString().matchAll(/PTY is (\S+)/g)) paths.push(m[1]);
      if (paths.length === 2) resolve({ a: paths[0], b: paths[1], close: () => child.kill() });
    });
  });
}

header(`syncRead of ${IDS.length} positions`);
const memChain = SimulatedChain.so101();
const memBus = new FeetechBus(memChain);
const mem = await timeSyncReads(memBus, READS);
line("in-memory simulator, p50", `${fmt.ms(percentile(mem, 50))}`);
line("in-memory simulator, p99", `${fmt.ms(percentile(mem, 99))}`);
await memChain.close();

let pty;
const pair = await ptyPair();
if (pair) {
  const chain = SimulatedChain.so101();
  const bridge = await bridgeToSerial(chain, pair.b, { baudRate: 1_000_000 });
  const transport = await SerialTransport.open(pair.a, { baudRate: 1_000_000 });
  const bus = new FeetechBus(transport);
  pty = await timeSyncReads(bus, Math.floor(READS / 3));
  line("pseudo-terminal + serialport, p50", fmt.ms(percentile(pty, 50)));
  line("pseudo-terminal + serialport, p99", fmt.ms(percentile(pty, 99)));
  await transport.close();
  await bridge.close();
  pair.close();
} else {
  line("pseudo-terminal", "skipped: socat is not installed");
}
const encodeUs = encodeParseMicros(quick ? 20_000 : 200_000);
line("encode request + parse 6 replies, per cycle", `${encodeUs.toFixed(2)} µs`);
line("physical reference (SO-101 at 1 Mbps)", `${REFERENCE_MS.toFixed(1)} ms`);

header(`teleoperate at 60 Hz for ${TELEOP_S} s (simulated leader and follower)`);
const periods = [];
let lastTime;
const job = await teleoperate({
  robot: { type: "so101_follower", port: "sim" },
  teleop: { type: "so101_leader", port: "sim" },
  fps: 60,
  durationS: TELEOP_S,
  onTick: (t) => {
    if (lastTime !== undefined) periods.push((t.timeS - lastTime) * 1000);
    lastTime = t.timeS;
  },
});
job.start();
const result = await job.result;
const jitter = periods.map((p) => Math.abs(p - 1000 / 60));
line("ticks", fmt.int(result.ticks));
line("achieved rate", `${result.rateHz.toFixed(2)} Hz`);
line("period jitter p50 (|period - 16.67 ms|)", fmt.ms(percentile(jitter, 50)));
line("period jitter p99", fmt.ms(percentile(jitter, 99)));
line("tick start lateness p99", fmt.ms(result.latenessMs.p99));

summary("hardware", [
  ["syncRead 6 pos, in-memory sim p50", fmt.ms(percentile(mem, 50)), "", ""],
  ["syncRead 6 pos, pty + serialport p50", pty ? fmt.ms(percentile(pty, 50)) : "skipped (no socat)", `real arm ~${REFERENCE_MS} ms`, ""],
  ["syncRead 6 pos, pty + serialport p99", pty ? fmt.ms(percentile(pty, 99)) : "skipped", "", ""],
  ["encode + parse per cycle", `${encodeUs.toFixed(2)} µs`, "", ""],
  ["teleoperate 60 Hz achieved", `${result.rateHz.toFixed(2)} Hz`, ">= 59 Hz", verdict(result.rateHz >= 59)],
  ["teleoperate period jitter p50 / p99", `${fmt.ms(percentile(jitter, 50))} / ${fmt.ms(percentile(jitter, 99))}`, "", ""],
]);

/**
 * verify-remote: verify (and inspect) a Hub dataset in place, over HTTP range requests, against
 * the test Hub on localhost: 300 episodes with two 320x240 cameras. Reports the time and the
 * bytes read against the dataset's size (target: under 5%), next to a local verify of the same
 * files. The localhost Hub has no network latency: on the real Hub, add a round trip per request.
 *
 *   node bench/verify-remote.js [--quick]
 *
 * The test Hub is test/helpers/hub-server.ts; this script transpiles it with the TypeScript
 * compiler (a devDependency) into a temp module, so benchmark and tests use the same server.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { inspectDataset, verifyDataset } from "../dist/index.js";
import { fmt, header, line, makeTemp, now, parseFlags, summary, verdict } from "./common.js";
import { attachCameras, writeNumericDataset } from "./datasets.js";

const { quick } = parseFlags();
const here = path.dirname(fileURLToPath(import.meta.url));
const EPISODES = 300;
const LENGTH = quick ? 30 : 300;
const WIDTH = 320;
const HEIGHT = 240;
const TARGET_SHARE = 0.05;
const CAMERAS = ["observation.images.front", "observation.images.wrist"];
const REPO = "bench/remote";

async function importHubServer(dir) {
  const source = fs.readFileSync(path.join(here, "..", "test", "helpers", "hub-server.ts"), "utf8");
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  const file = path.join(dir, "hub-server.mjs");
  fs.writeFileSync(file, outputText);
  return import(pathToFileURL(file).href);
}

const temp = makeTemp("verify-remote");
const root = path.join(temp, "ds");
header(`verify a Hub dataset in place: ${EPISODES} episodes x ${LENGTH} frames, 2 cameras ${WIDTH}x${HEIGHT}`);
let t0 = now();
await writeNumericDataset(root, { episodes: EPISODES, length: LENGTH });
await attachCameras(root, CAMERAS, { width: WIDTH, height: HEIGHT });
line("dataset written in", fmt.ms(now() - t0));

const { startHubServer } = await importHubServer(temp);
const hub = await startHubServer();
try {
  t0 = now();
  await hub.seedDataset(REPO, root, { tags: ["v3.0"] });
  line("seeded into the test Hub in", fmt.ms(now() - t0));
  const env = { HF_ENDPOINT: hub.endpoint, HF_TOKEN: hub.token, HF_HOME: path.join(temp, "hf-home") };

  await verifyDataset(root); // warm-up: both timed runs below start with the wasm and the caches ready
  t0 = now();
  const local = await verifyDataset(root);
  const localMs = now() - t0;
  t0 = now();
  const remote = await verifyDataset(`hf://datasets/${REPO}`, { env });
  const remoteMs = now() - t0;
  if (JSON.stringify(remote.findings) !== JSON.stringify(local.findings)) throw new Error("remote and local verify disagree");
  if (remote.summary.errors > 0) throw new Error(`the benchmark dataset is invalid: ${JSON.stringify(remote.findings.slice(0, 3))}`);
  const traffic = remote.remote;
  const share = traffic.bytesRead / traffic.datasetBytes;
  line("dataset size", fmt.mb(traffic.datasetBytes));
  line("local verify", fmt.ms(localMs));
  line("remote verify (listing, metadata, data, moov boxes)", fmt.ms(remoteMs));
  for (const g of remote.groups) if (g.ms !== undefined) line(`  group ${g.group}`, fmt.ms(g.ms));
  line("remote verify: bytes read", `${fmt.int(traffic.bytesRead)} B`, `${(100 * share).toFixed(2)}% of ${fmt.int(traffic.datasetBytes)} B`);
  line("remote verify: range requests", fmt.int(traffic.requests));

  t0 = now();
  const inspected = await inspectDataset(`hf://datasets/${REPO}`, { env });
  const inspectMs = now() - t0;
  const inspectShare = inspected.remote.bytesRead / inspected.remote.datasetBytes;
  line("remote inspect", fmt.ms(inspectMs), `${fmt.int(inspected.remote.bytesRead)} B, ${(100 * inspectShare).toFixed(2)}%, ${inspected.remote.requests} requests`);

  summary("verify-remote", [
    [`remote verify ${EPISODES} eps x ${LENGTH} frames, 2 cams: bytes read`, `${(100 * share).toFixed(2)}%`, `< ${TARGET_SHARE * 100}%`, verdict(share < TARGET_SHARE)],
    ["remote verify time (localhost Hub)", fmt.ms(remoteMs), "", ""],
    ["local verify time", fmt.ms(localMs), "", ""],
    ["remote verify: MB read / dataset MB", `${fmt.mb(traffic.bytesRead)} / ${fmt.mb(traffic.datasetBytes)}`, "", ""],
    ["remote inspect: bytes read", `${(100 * inspectShare).toFixed(2)}%`, "", ""],
  ]);
} finally {
  await hub.close();
}

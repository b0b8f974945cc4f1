/**
 * A small dataset for tests of the Hub layers (no cameras, so it is quick to write), spread over
 * several data files so a test can tell which of them were read or fetched; and the environment
 * that points product code at a test Hub and nothing of the machine's own (token file, cache).
 */
import path from "node:path";
import type { HubServer } from "./hub-server.js";
import { writeSynthetic } from "./synthetic.js";

/** Write a finished camera-less dataset whose episode e has `lengths[e]` frames and task `task e`. */
export async function writeSmallDataset(root: string, lengths: number[]): Promise<void> {
  // Small data files: a few episodes per file, so the dataset has several.
  const writer = await writeSynthetic({ root, episodes: lengths, cameras: [], dataFilesSizeInMb: 0.004, tasks: (e) => `task ${e}` });
  await writer.finalize();
}

/** HF_ENDPOINT and HF_TOKEN of the test Hub, HF_HOME and HF_LEROBOT_HOME under `dir`, online. */
export function testHubEnv(hub: HubServer, dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    HF_ENDPOINT: hub.endpoint, HF_TOKEN: hub.token, HF_HOME: path.join(dir, "hf-home"), HF_LEROBOT_HOME: path.join(dir, "lerobot-home"),
    HF_HUB_OFFLINE: "", ...extra,
  };
}

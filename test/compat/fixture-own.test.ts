/**
 * A dataset written by lerobot-ts 0.1 and kept in git (fixtures/lerobot-ts-v0.1): every later
 * version must still read it, value for value.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDataset } from "../../src/dataset/reader.js";

const root = path.join(import.meta.dirname, "..", "..", "fixtures", "lerobot-ts-v0.1");
const LENGTHS = [8, 12, 10];

describe("fixtures/lerobot-ts-v0.1", () => {
  it("reads the episodes, tasks and every value written by version 0.1", async () => {
    const ds = await openDataset(root);
    expect(ds.episodes.map((e) => e.length)).toEqual(LENGTHS);
    expect(ds.tasks).toEqual(["pick", "place"]);
    const state = await ds.readColumn("observation.state");
    const action = await ds.readColumn("action");
    let row = 0;
    for (const [e, n] of LENGTHS.entries()) {
      for (let k = 0; k < n; k++, row++) {
        for (let j = 0; j < 6; j++) {
          expect(state.values[row * 6 + j]).toBe(e * 100 + k + j / 8);
          expect(action.values[row * 6 + j]).toBe(e * 100 + k + j / 8 + 0.5);
        }
      }
    }
    expect(ds.stats!["observation.state"]!.count).toEqual([30]);
  });

  it("decodes its video frames where the episodes say", async () => {
    const ds = await openDataset(root);
    for (const [e, k] of [[0, 0], [1, 11], [2, 5]] as const) {
      const frame = await ds.decodeFrame("observation.images.front", e, k);
      const expected = (e * 80 + k * 4) % 256;
      expect(Math.abs(frame.data[100 * 3]! - expected), `episode ${e} frame ${k}`).toBeLessThanOrEqual(4);
    }
  });
});

/** checkDeep (--deep): every frame decoded by ffmpeg, against LeRobot's queries, decoder errors and pix_fmt. */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDeep } from "../../../src/verify/checks/deep.js";
import { editEpisodes, editInfo } from "../../helpers/corrupt.js";
import { tempDir } from "../../helpers/synthetic.js";
import { contextBefore, copyOf, findingsOf, writeVerifyBase } from "../../helpers/verify-context.js";

const FRONT = "videos/observation.images.front/chunk-000/file-000.mp4";
const KEY = "observation.images.front";

describe("checkDeep", () => {
  const dir = tempDir("lerobot-ts-deep-");
  const base = path.join(dir, "base");
  beforeAll(() => writeVerifyBase(base, ["front"]), 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const deepOf = async (root: string) => {
    const { ctx, videos } = await contextBefore(root, "deep", { deep: true });
    return findingsOf(ctx, () => checkDeep(ctx, videos));
  };

  it("finds nothing when every frame decodes where LeRobot will look for it", async () => {
    expect(await deepOf(base)).toEqual([]);
  });

  it("does nothing without video files", async () => {
    const { ctx } = await contextBefore(base, "deep", { deep: true });
    expect(await findingsOf(ctx, () => checkDeep(ctx, []))).toEqual([]);
    expect(ctx.skipped.has("deep")).toBe(false);
  });

  it("reports a damaged bitstream as a decode error", async () => {
    const root = copyOf(base, dir, "damaged");
    const file = path.join(root, FRONT);
    const bytes = fs.readFileSync(file);
    const from = Math.floor(bytes.length * 0.3);
    for (let i = from; i < from + 4000; i++) bytes[i] = (i * 131) & 0xff;
    fs.writeFileSync(file, bytes);
    const found = await deepOf(root);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatchObject({ check: "deep.decode_error", severity: "error", file: FRONT, column: KEY });
  });

  it("reports a pixel format other than the declared one", async () => {
    const root = copyOf(base, dir, "pix-fmt");
    editInfo(root, (i) => { i.features[KEY]!.info!["video.pix_fmt"] = "yuv444p"; });
    const found = await deepOf(root);
    expect(found.map((f) => [f.check, f.file])).toEqual([["deep.pix_fmt", FRONT]]);
    expect(found[0]!.message).toBe(`${FRONT} decodes as yuv420p; info.json says yuv444p`);
  });

  it("reports an episode whose queried times miss the decoded frames", async () => {
    const root = copyOf(base, dir, "queries");
    // Half a frame later: every query of episode 2 falls between two frames.
    await editEpisodes(root, (e) => {
      const v = e[2]!.videos[KEY]!;
      v.fromTimestampS += 0.5 / 30;
      v.toTimestampS += 0.5 / 30;
    });
    const found = await deepOf(root);
    expect(found.map((f) => [f.check, f.episode])).toEqual([["deep.timestamp", 2]]);
    expect(found[0]!.message).toMatch(/^episode 2: 100 of 100 queried frames are more than 0\.0001 s from a decoded frame \(first: frame 0/);
  });
});

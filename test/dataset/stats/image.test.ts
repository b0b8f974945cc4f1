/** ImageStatsAccumulator: per-channel stats of camera frames, over LeRobot's downsampled pixels. */
import { describe, expect, it } from "vitest";
import { ImageStatsAccumulator } from "../../../src/dataset/stats/image.js";
import { QS, chans, expectClose, referenceQuantile, rng } from "../../helpers/stats-reference.js";

describe("ImageStatsAccumulator", () => {
  function solid(width: number, height: number, rgb: [number, number, number]): Uint8Array {
    const f = new Uint8Array(width * height * 3);
    for (let i = 0; i < f.length; i += 3) f.set(rgb, i);
    return f;
  }

  it("a solid colour stream gives exact per-channel values, std 0, shape (3,1,1)", () => {
    const acc = new ImageStatsAccumulator(32, 24);
    const frame = solid(32, 24, [255, 0, 128]);
    for (let i = 0; i < 5; i++) acc.push(frame);
    expect(acc.frames).toBe(5);
    const s = acc.result();
    const want = [[[1]], [[0]], [[128 / 255]]];
    expect(s.min).toEqual(want);
    expect(s.max).toEqual(want);
    expect(s.mean).toEqual(want);
    expect(s.std).toEqual([[[0]], [[0]], [[0]]]);
    expect(s.count).toEqual([5]);
    for (const [name] of QS) expectClose(chans(s[name]), [1, 0, 128 / 255], 1e-9);
  });

  it("a half-black/half-white image has mean 0.5 and std 0.5", () => {
    const w = 20;
    const h = 10;
    const f = new Uint8Array(w * h * 3);
    f.fill(255, 0, (w * h * 3) / 2); // top half white
    const acc = new ImageStatsAccumulator(w, h);
    acc.push(f);
    acc.push(f);
    const s = acc.result();
    expect(chans(s.mean)).toEqual([0.5, 0.5, 0.5]);
    expect(chans(s.std)).toEqual([0.5, 0.5, 0.5]);
    expect(chans(s.min)).toEqual([0, 0, 0]);
    expect(chans(s.max)).toEqual([1, 1, 1]);
    expect(s.count).toEqual([2]);
  });

  it("downsamples 640x480 to every 4th row and column", () => {
    const w = 640;
    const h = 480;
    const f = new Uint8Array(w * h * 3).fill(10);
    for (let y = 0; y < h; y += 4) for (let x = 0; x < w; x += 4) f.set([200, 100, 50], (y * w + x) * 3);
    const acc = new ImageStatsAccumulator(w, h);
    acc.push(f);
    const s = acc.result();
    expect(s.min).toEqual([[[200 / 255]], [[100 / 255]], [[50 / 255]]]);
    expect(s.max).toEqual(s.min);
    expect(chans(s.std)).toEqual([0, 0, 0]);
  });

  it("uses the stride LeRobot would: full image below 300 px, floor(longer side / 150) above", () => {
    // A 299x200 image is not downsampled: a pixel off the grid changes the max.
    const small = new Uint8Array(299 * 200 * 3);
    small[(1 * 299 + 1) * 3] = 255;
    const a = new ImageStatsAccumulator(299, 200);
    a.push(small);
    expect(chans(a.result().max)[0]).toBe(1);
    // Portrait 480x640: stride floor(640/150) = 4, so (x=2, y=2) is skipped and (x=4, y=8) is kept.
    const tall = new Uint8Array(480 * 640 * 3);
    tall[(2 * 480 + 2) * 3] = 255;
    tall[(8 * 480 + 4) * 3 + 1] = 51;
    const b = new ImageStatsAccumulator(480, 640);
    b.push(tall);
    expect(chans(b.result().max)).toEqual([0, 51 / 255, 0]);
    expect(new ImageStatsAccumulator(300, 100).stride).toBe(2);
    expect(new ImageStatsAccumulator(1280, 720).stride).toBe(8);
  });

  it("per-channel mean/std/quantiles over all pushed frames match a direct computation", () => {
    const r = rng(3);
    const w = 16;
    const h = 12;
    const acc = new ImageStatsAccumulator(w, h);
    const perChannel: number[][] = [[], [], []];
    for (let k = 0; k < 7; k++) {
      const f = new Uint8Array(w * h * 3);
      for (let i = 0; i < f.length; i++) {
        f[i] = Math.floor(Math.pow(r(), 1 + (i % 3)) * 256);
        perChannel[i % 3]!.push(f[i]! / 255);
      }
      acc.push(f);
    }
    const s = acc.result();
    expect(s.count).toEqual([7]);
    perChannel.forEach((vals, c) => {
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      const std = Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length);
      expect(Math.abs(chans(s.mean)[c]! - mean)).toBeLessThan(1e-12);
      expect(Math.abs(chans(s.std)[c]! - std)).toBeLessThan(1e-12);
      expect(chans(s.min)[c]).toBe(Math.min(...vals));
      expect(chans(s.max)[c]).toBe(Math.max(...vals));
      for (const [name, q] of QS) expect(Math.abs(chans(s[name])[c]! - referenceQuantile(vals, q))).toBeLessThan(1e-12);
    });
  });

  it("rejects a frame of the wrong size and a result with no frames", () => {
    const acc = new ImageStatsAccumulator(4, 4);
    expect(() => acc.push(new Uint8Array(4 * 4 * 3 - 1))).toThrow(/expected 48/);
    expect(() => acc.result()).toThrow(/no frames/);
  });
});

describe("ImageStatsAccumulator below two pixels", () => {
  it("gives quantiles equal to the mean for a single sampled pixel (LeRobot skips the histogram below 2 samples)", () => {
    const acc = new ImageStatsAccumulator(1, 1);
    acc.push(Uint8Array.of(51, 102, 204));
    const s = acc.result();
    for (const [name] of QS) expect(chans(s[name]), name).toEqual([51 / 255, 102 / 255, 204 / 255]);
    // With two pixels the histogram applies, and its estimate is not exactly the value.
    const two = new ImageStatsAccumulator(2, 1);
    two.push(Uint8Array.of(51, 102, 204, 51, 102, 204));
    const values = [51 / 255, 102 / 255, 204 / 255];
    for (const [name, q] of QS) expectClose(chans(two.result()[name]), values.map((v) => referenceQuantile([v, v], q)), 1e-12);
    expect(chans(two.result().q01)).not.toEqual(values);
  });
});

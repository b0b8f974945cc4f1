import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VideoError } from "../../src/errors.js";
import { TextTail, findFfmpeg, passthroughArgs, runFfmpeg } from "../../src/system/ffmpeg.js";
import type { FfmpegInfo } from "../../src/system/ffmpeg.js";
import { ffmpegWith } from "../helpers/ffmpeg-with.js";
import { tempDir } from "../helpers/synthetic.js";

let tmp: string;
beforeAll(() => {
  tmp = tempDir("lerobot-ffmpeg-");
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const anyFfmpeg = (await ffmpegWith("libx264")) ?? (await ffmpegWith("libsvtav1"));
const linuxX64 = process.platform === "linux" && process.arch === "x64";

/** Runs `fn` with these environment variables (undefined: unset), restoring them afterwards. */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

/** The binary @ffmpeg-installer ships, found as findFfmpeg finds it once PATH has no ffmpeg. */
const installerFfmpeg = () => withEnv({ PATH: path.join(tmp, "empty-bin"), LEROBOT_FFMPEG: undefined }, () => findFfmpeg({ requireEncoder: "rawvideo" }));

describe("findFfmpeg", () => {
  it.skipIf(!anyFfmpeg)("finds a runnable ffmpeg, parses encoders, and caches", async () => {
    const a = await findFfmpeg();
    expect(path.isAbsolute(a.path)).toBe(true);
    expect(a.version.length).toBeGreaterThan(0);
    expect(a.encoders.has("rawvideo")).toBe(true);
    expect(await findFfmpeg()).toBe(a);
  });

  it.skipIf(!anyFfmpeg)("uses LEROBOT_FFMPEG when it is set", async () => {
    const info = await withEnv({ LEROBOT_FFMPEG: (anyFfmpeg as FfmpegInfo).path }, () => findFfmpeg({ requireEncoder: "rawvideo" }));
    expect(info.path).toBe((anyFfmpeg as FfmpegInfo).path);
  });

  it.skipIf(!linuxX64)("falls back to @ffmpeg-installer's binary when PATH has none", async () => {
    // A requireEncoder no earlier call used, so the per-process cache cannot answer.
    const info = await installerFfmpeg();
    expect(info.path).toMatch(/@ffmpeg-installer/);
    expect(info.encoders.has("libx264")).toBe(true);
  });

  it.skipIf(!anyFfmpeg)("takes the ffmpeg on PATH before the installer's", async () => {
    const bin = path.join(tmp, "path-bin");
    fs.mkdirSync(bin, { recursive: true });
    fs.symlinkSync((anyFfmpeg as FfmpegInfo).path, path.join(bin, "ffmpeg"));
    const info = await withEnv({ PATH: bin, LEROBOT_FFMPEG: undefined }, () => findFfmpeg({ requireEncoder: "libx264rgb" }));
    expect(info.path).toBe(path.join(bin, "ffmpeg"));
  });

  it.skipIf(!anyFfmpeg)("hands back a runnable ffmpeg when none has the encoder asked for, so the caller can say what is missing", async () => {
    const info = await findFfmpeg({ requireEncoder: "no_such_encoder" });
    expect(info.encoders.has("no_such_encoder")).toBe(false);
    expect(info.encoders.has("rawvideo")).toBe(true);
  });

  it("fails clearly when LEROBOT_FFMPEG does not run", async () => {
    await withEnv({ LEROBOT_FFMPEG: path.join(tmp, "no-such-ffmpeg") }, async () => {
      await expect(findFfmpeg()).rejects.toThrow(/LEROBOT_FFMPEG=.*no-such-ffmpeg/);
    });
  });

  it("refuses as LEROBOT_FFMPEG a program that runs but is not ffmpeg", async () => {
    const fake = path.join(tmp, "not-ffmpeg");
    fs.writeFileSync(fake, "#!/bin/sh\necho 'hello'\n", { mode: 0o755 });
    await withEnv({ LEROBOT_FFMPEG: fake }, async () => {
      await expect(findFfmpeg()).rejects.toThrow(VideoError);
      await expect(findFfmpeg()).rejects.toThrow(/does not run as ffmpeg/);
    });
  });

  it.skipIf(!anyFfmpeg)("does not remember a failure: an ffmpeg installed since is found by the next call", async () => {
    const later = path.join(tmp, "later", "ffmpeg");
    await withEnv({ LEROBOT_FFMPEG: later }, async () => {
      await expect(findFfmpeg()).rejects.toThrow(VideoError);
      fs.mkdirSync(path.dirname(later), { recursive: true });
      fs.symlinkSync((anyFfmpeg as FfmpegInfo).path, later);
      expect((await findFfmpeg()).path).toBe(later);
    });
  });
});

describe("passthroughArgs", () => {
  const info = (version: string, supportsFpsMode?: boolean): FfmpegInfo => ({ path: "/x/ffmpeg", version, encoders: new Set(), supportsFpsMode });

  it("uses -fps_mode where findFfmpeg found it supported, -vsync where not", () => {
    expect(passthroughArgs(info("whatever", true))).toEqual(["-fps_mode", "passthrough"]);
    expect(passthroughArgs(info("7.0", false))).toEqual(["-vsync", "passthrough"]);
  });

  it("guesses from the version for an FfmpegInfo made by hand: 5.1 and later, and git builds, have -fps_mode", () => {
    for (const v of ["5.1", "5.1.2", "n6.0", "7.1.1", "N-113000-gabc-static"]) expect(passthroughArgs(info(v)), v).toEqual(["-fps_mode", "passthrough"]);
    for (const v of ["4.4.2", "5.0.1", "n4.3"]) expect(passthroughArgs(info(v)), v).toEqual(["-vsync", "passthrough"]);
  });

  it.skipIf(!anyFfmpeg)("gives options the ffmpeg found here accepts", async () => {
    const ff = await findFfmpeg();
    const r = await runFfmpeg(ff, ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=s=32x32:r=10", "-frames:v", "3", ...passthroughArgs(ff), "-f", "null", "-"]);
    expect(r.stderrTail).toBe("");
    expect(r.code).toBe(0);
  });

  it.skipIf(!linuxX64)("gives -vsync to the installer's 2018 git build, whose version string alone would say modern", async () => {
    // Its libavutil (56.x) is what tells: -fps_mode came with 57.28.
    const ff = await installerFfmpeg();
    expect(ff.version).toMatch(/^N-/);
    expect(ff.supportsFpsMode).toBe(false);
    const r = await runFfmpeg(ff, ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=s=32x32:r=10", "-frames:v", "3", ...passthroughArgs(ff), "-f", "null", "-"]);
    expect(r.code).toBe(0);
  });
});

describe("runFfmpeg", () => {
  it.skipIf(!anyFfmpeg)("resolves with the exit code and the end of stderr", async () => {
    const ff = anyFfmpeg as FfmpegInfo;
    const missing = path.join(tmp, "no-such-input.mp4");
    const r = await runFfmpeg(ff, ["-hide_banner", "-nostdin", "-i", missing]);
    expect(r.code).not.toBe(0);
    expect(r.signal).toBeNull();
    expect(r.stderrTail).toContain("no-such-input.mp4");
    const ok = await runFfmpeg(ff, ["-hide_banner", "-version"]);
    expect(ok.code).toBe(0);
  });

  it("rejects with a VideoError naming the binary when it cannot be started", async () => {
    const ff: FfmpegInfo = { path: path.join(tmp, "absent-ffmpeg"), version: "7.0", encoders: new Set() };
    const err = await runFfmpeg(ff, ["-version"]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VideoError);
    expect((err as VideoError).message).toMatch(/could not run ffmpeg at .*absent-ffmpeg/);
  });
});

describe("TextTail", () => {
  it("keeps the last `limit` characters of everything pushed, trimmed", () => {
    const tail = new TextTail(12);
    tail.push("  first line\n");
    expect(tail.toString()).toBe("first line");
    tail.push(Buffer.from("0123456789abcdef\n"));
    expect(tail.toString()).toBe("56789abcdef");
  });

  it("stays bounded however much is pushed, and keeps the newest text", () => {
    const tail = new TextTail(100);
    for (let i = 0; i < 10_000; i++) tail.push(`line ${i}\n`);
    const text = tail.toString();
    expect(text.length).toBeLessThanOrEqual(100);
    expect(text.endsWith("line 9999")).toBe(true);
    expect(text).not.toContain("line 9000\n");
  });
});

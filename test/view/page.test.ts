/// <reference lib="dom" />
/**
 * The viewer page: the HTML shell and script page.ts generates, then the page in a real browser
 * (Debian's Chromium driven by playwright-core): episode 2 opens with every video at its
 * from_timestamp, the plots hold one point per frame, the right arrow steps one frame, and a
 * screenshot is written.
 */
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { chromium } from "playwright-core";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticDataset } from "../../src/dataset/synthetic.js";
import { VIEWER_SCRIPT, pageHtml } from "../../src/view/page.js";
import type { ViewServer } from "../../src/view/server.js";
import { startViewServer } from "../../src/view/server.js";
import { editInfo } from "../helpers/corrupt.js";
import { tempDir } from "../helpers/synthetic.js";

describe("pageHtml", () => {
  it("puts the repo id in the title as text, markup and quotes escaped", () => {
    const html = pageHtml(`me/<script>alert("x")</script>&'`);
    expect(html).toContain("<title>me/&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;&#38;&#39; · lerobot-ts view</title>");
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  it("loads the viewer script from the server, not from a CDN", () => {
    const html = pageHtml("me/demo");
    expect(html).toContain('<script src="/viewer.js"></script>');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it("has every element the script looks up by id", () => {
    const html = pageHtml("me/demo");
    const ids = [...new Set([...VIEWER_SCRIPT.matchAll(/getElementById\("([^"]+)"\)/g)].map((m) => m[1]!))];
    expect(ids.length).toBeGreaterThan(3);
    expect(ids.filter((id) => !html.includes(`id="${id}"`))).toEqual([]);
  });
});

describe("VIEWER_SCRIPT", () => {
  it("is a script that compiles (a syntax error would only show in the browser)", () => {
    expect(() => new vm.Script(VIEWER_SCRIPT)).not.toThrow();
  });
});

/** Until the page shows `episode` with both videos loaded and not seeking. */
async function videosReady(page: Page, episode: number): Promise<void> {
  await page.waitForFunction((n) => {
    const v = (window as unknown as { __viewer?: { episode: number; videos: { el: HTMLVideoElement }[] } }).__viewer;
    return !!v && v.episode === n && v.videos.length === 2 && v.videos.every((x) => x.el.readyState >= 1 && !x.el.seeking);
  }, episode, { timeout: 30_000 });
}

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find((p) => fs.existsSync(p));
if (!CHROMIUM) console.warn("view-browser: skipped, no Chromium found (.ci/run installs Debian's chromium)");

describe.skipIf(!CHROMIUM)("view in Chromium", () => {
  const dir = tempDir("lerobot-ts-view-browser-");
  const root = path.join(dir, "me", "demo");
  let server: ViewServer;
  let browser: Browser;

  beforeAll(async () => {
    await writeSyntheticDataset({ root, episodes: 3, frames: 30, cameras: ["front", "wrist"], width: 96, height: 64 });
    server = await startViewServer(root);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--autoplay-policy=no-user-gesture-required"] });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("opens episode 2 at its place in every video, plots every frame, steps a frame with the right arrow", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(server.url.replace(/episode_0$/, "episode_2"));
    await videosReady(page, 2);
    const episode = server.dataset.episode(2);
    const half = 0.5 / server.dataset.fps;
    const times = await page.$$eval("video", (videos) => (videos as HTMLVideoElement[]).map((v) => [v.dataset.key, v.currentTime] as const));
    for (const [key, time] of times) expect(Math.abs(time - episode.cameras[key!]!.fromTimestampS), key).toBeLessThan(half);
    const points = await page.evaluate(() => (window as unknown as { __viewer: { plots: Record<string, { points: number }> } }).__viewer.plots.action!.points);
    expect(points).toBe(episode.length);

    await page.keyboard.press("ArrowRight");
    await page.waitForFunction(() => [...document.querySelectorAll("video")].every((v) => !v.seeking));
    const after = await page.$$eval("video", (videos) => (videos as HTMLVideoElement[]).map((v) => [v.dataset.key, v.currentTime] as const));
    for (const [key, time] of after) expect(Math.abs(time - (episode.cameras[key!]!.fromTimestampS + 1 / server.dataset.fps)), key).toBeLessThan(half);
    expect(await page.locator("nav a.current").textContent()).toMatch(/^episode 2 · 30 frames/);
    const shot = path.join(process.env.LEROBOT_VIEW_SCREENSHOT_DIR ?? dir, "view-episode-2.png");
    await page.screenshot({ path: shot });
    expect(fs.statSync(shot).size).toBeGreaterThan(1000);
    expect(errors).toEqual([]);

    // ?t= opens at that time; clicking the middle of a plot seeks there.
    await page.goto(server.url.replace(/episode_0$/, "episode_1?t=0.5"));
    await videosReady(page, 1);
    const first = server.dataset.episode(1);
    const at = await page.$eval("video", (v) => [(v as HTMLVideoElement).dataset.key, (v as HTMLVideoElement).currentTime] as const);
    expect(Math.abs(at[1] - (first.cameras[at[0]!]!.fromTimestampS + 0.5))).toBeLessThan(half);
    const box = (await page.locator("canvas").first().boundingBox())!;
    await page.mouse.click(box.x + box.width * (10 / 29), box.y + box.height / 2);
    await page.waitForFunction(() => [...document.querySelectorAll("video")].every((v) => !v.seeking));
    const clicked = await page.$eval("video", (v) => (v as HTMLVideoElement).currentTime);
    expect(Math.abs(clicked - (first.cameras[at[0]!]!.fromTimestampS + 10 / server.dataset.fps))).toBeLessThan(half);
    await page.close();
  }, 60_000);

  it("plays a dataset laid out as LeRobot v0.6 writes it (AV1 videos): episode 1 opens at its place in both", async () => {
    const v06 = await startViewServer(path.join(import.meta.dirname, "..", "..", "fixtures", "lerobot-v0.6", "so101-record"));
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(v06.url.replace(/episode_0$/, "episode_1"));
      await videosReady(page, 1);
      const episode = v06.dataset.episode(1);
      const times = await page.$$eval("video", (videos) => (videos as HTMLVideoElement[]).map((v) => [v.dataset.key, v.currentTime, v.videoWidth] as const));
      expect(times).toHaveLength(2);
      for (const [key, time, width] of times) {
        expect(Math.abs(time - episode.cameras[key!]!.fromTimestampS), key).toBeLessThan(0.5 / v06.dataset.fps);
        expect(width, `${key} decoded`).toBe(96);
      }
      expect(await page.locator(".msg").count()).toBe(0);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await v06.close();
    }
  }, 60_000);

  it("shows joint names from info.json as text, never as markup", async () => {
    const namedRoot = path.join(dir, "me", "named");
    await writeSyntheticDataset({ root: namedRoot, episodes: 1, frames: 10, cameras: ["front", "wrist"], width: 96, height: 64 });
    const name = '<img src=x onerror="window.__injected=1">';
    editInfo(namedRoot, (i) => { i.features.action!.names = [name, "b", "c", "d", "e", "f"]; });
    const named = await startViewServer(namedRoot);
    try {
      const page = await browser.newPage();
      await page.goto(named.url);
      await videosReady(page, 0);
      expect(await page.locator("#plots img").count()).toBe(0);
      expect(await page.locator("#plots span", { hasText: name }).count()).toBe(1);
      expect(await page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();
      await page.close();
    } finally {
      await named.close();
    }
  }, 60_000);

  it("names a codec the browser cannot play", async () => {
    const hevcRoot = path.join(dir, "me", "hevc");
    await writeSyntheticDataset({ root: hevcRoot, episodes: 1, frames: 10, cameras: ["front"], width: 96, height: 64, vcodec: "libx265" });
    const hevc = await startViewServer(hevcRoot);
    try {
      const page = await browser.newPage();
      await page.goto(hevc.url);
      const playable = await page.evaluate(() => document.createElement("video").canPlayType('video/mp4; codecs="hvc1.1.6.L93.B0"'));
      if (playable !== "") {
        console.warn("view-browser: this Chromium plays HEVC, so the unplayable-codec message is not exercised");
        return;
      }
      await page.waitForSelector(".msg", { timeout: 15_000 });
      expect(await page.locator(".msg").first().textContent()).toMatch(/cannot play hevc video|could not play this hevc video/);
      await page.close();
    } finally {
      await hevc.close();
    }
  }, 60_000);
});

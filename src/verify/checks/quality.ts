/**
 * Data-quality warnings over the whole dataset, from the signals of the data pass: short
 * episodes, joints that never move, constant dimensions, values held at calibration bounds.
 * (One-frame action jumps are found per episode during the data pass.)
 */
import type { Feature } from "../../dataset/index.js";
import { DEFAULT_FEATURES } from "../../dataset/index.js";
import type { VerifyContext } from "../context.js";

/** ACT's default chunk_size; SmolVLA and pi0 use 50. */
export const MIN_EPISODE_FRAMES = 100;
/** A joint whose whole-dataset range is below this (degrees or LeRobot's -100..100 units) never moved. */
export const STATIC_JOINT_RANGE = 1;

export function checkQuality(ctx: VerifyContext): void {
  const info = ctx.info;
  if (!info || !ctx.episodes) return;
  const short = ctx.episodes.filter((e) => e.length < MIN_EPISODE_FRAMES);
  if (short.length > 0) {
    const shortest = short.reduce((a, b) => (b.length < a.length ? b : a));
    ctx.add(
      "quality.short_episode",
      `${short.length} of ${ctx.episodes.length} episodes are shorter than ${MIN_EPISODE_FRAMES} frames (shortest: episode ${shortest.episodeIndex}, ${shortest.length} frames = ${(shortest.length / info.fps).toFixed(1)} s)`,
      { episode: shortest.episodeIndex },
    );
  }
  const signals = [...ctx.signals.values()];
  if (signals.length === 0) return;
  const totalFrames = signals.reduce((n, s) => n + s.length, 0);
  for (const [key, feature] of Object.entries(info.features)) {
    if (key in DEFAULT_FEATURES) continue;
    const perEpisode = signals.map((s) => ({ episode: s.episode, signal: s.features.get(key) })).filter((x) => x.signal);
    if (perEpisode.length === 0) continue;
    const dim = perEpisode[0]!.signal!.dim;
    for (let d = 0; d < dim; d++) {
      const name = dimensionName(feature, d);
      let min = Infinity;
      let max = -Infinity;
      let hits = 0;
      let worst = { episode: -1, hits: 0, run: 0 };
      for (const { episode, signal } of perEpisode) {
        min = Math.min(min, signal!.min[d]!);
        max = Math.max(max, signal!.max[d]!);
        const h = signal!.boundHits?.[d] ?? 0;
        hits += h;
        if (h > worst.hits) worst = { episode, hits: h, run: signal!.boundRun![d]! };
      }
      if (!Number.isFinite(min)) continue;
      const label = `${key}${dim > 1 ? ` ${name}` : ""}`;
      if (min === max) {
        ctx.add("quality.zero_variance", `${label} is ${min} in every frame`, { column: key });
      } else if (name.endsWith(".pos") && max - min < STATIC_JOINT_RANGE) {
        ctx.add("quality.static_joint", `${label} moves only ${(max - min).toFixed(3)} over the whole dataset (${min.toFixed(3)}..${max.toFixed(3)})`, { column: key });
      }
      if (hits >= Math.max(3, 0.005 * totalFrames)) {
        ctx.add(
          "quality.clipping",
          `${label} is exactly at a calibration bound (${name.startsWith("gripper") ? "0 or 100" : "-100 or 100"}) in ${hits} frames (${((100 * hits) / totalFrames).toFixed(1)}%); worst: episode ${worst.episode}, ${worst.hits} frames, ${worst.run} in a row`,
          { column: key, episode: worst.episode },
        );
      }
    }
  }
}

function dimensionName(feature: Feature, d: number): string {
  return Array.isArray(feature.names) ? String(feature.names[d] ?? d) : String(d);
}

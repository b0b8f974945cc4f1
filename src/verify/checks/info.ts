/** meta/info.json: present, JSON, v3.0, the schema, path templates, features and fps. */
import path from "node:path";
import type { DatasetInfo } from "../../dataset/index.js";
import { CODEBASE_VERSION, DEFAULT_FEATURES, INFO_PATH, InfoVersionError, infoSchema, videoInfoOf, videoKeys, formatTemplate, resolveInside, parsePythonJson } from "../../dataset/index.js";
import type { VerifyContext } from "../context.js";
import { describeKind, shortError } from "../context.js";

/** Parse meta/info.json into ctx.info, reporting everything that keeps it from being usable. */
export async function checkInfo(ctx: VerifyContext): Promise<void> {
  const file = path.join(ctx.root, INFO_PATH);
  ctx.referenced.add(file);
  const kind = ctx.files.kind(file);
  if (kind !== "file") {
    ctx.add(kind === "missing" ? "info.missing" : "info.unreadable", `${INFO_PATH} ${describeKind(kind)}`, { file });
    return;
  }
  let json: unknown;
  try {
    json = parsePythonJson(await ctx.files.readText(file));
  } catch (error) {
    ctx.add("info.json", `${INFO_PATH} is not valid JSON: ${shortError(error)}`, { file });
    return;
  }
  const version = json && typeof json === "object" ? (json as Record<string, unknown>).codebase_version : undefined;
  if (version !== undefined && version !== CODEBASE_VERSION) {
    ctx.add("info.version", new InfoVersionError(String(version)).message.replace(/ Convert it with.*$/, ""), { file });
    return;
  }
  const parsed = infoSchema.safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const where = issue.path.length > 0 ? issue.path.join(".") : "(root)";
      ctx.add("info.schema", `${INFO_PATH}: ${where}: ${issue.message}`, { file, column: where });
    }
    return;
  }
  const info = parsed.data;
  ctx.info = info;
  checkTemplates(ctx, info, file);
  checkFeatures(ctx, info, file);
}

function checkTemplates(ctx: VerifyContext, info: DatasetInfo, file: string): void {
  const sample = { chunk_index: 0, file_index: 0, video_key: videoKeys(info.features)[0] ?? "observation.images.cam" };
  const templates: [string, string | null][] = [["data_path", info.data_path], ["video_path", info.video_path]];
  for (const [name, template] of templates) {
    if (template === null) {
      if (videoKeys(info.features).length > 0) ctx.add("info.path_template", `video_path is null but the dataset has video features`, { file, column: name });
      continue;
    }
    try {
      resolveInside(ctx.root, formatTemplate(template, sample));
      // Large indices too: a template may only escape for some values ({file_index} as a path part).
      resolveInside(ctx.root, formatTemplate(template, { ...sample, chunk_index: 999, file_index: 999 }));
    } catch (error) {
      ctx.add("info.path_template", `${name} '${template}': ${shortError(error)}`, { file, column: name });
      continue;
    }
    if (!template.includes("{chunk_index") || !template.includes("{file_index")) {
      ctx.add("info.path_template", `${name} '${template}' lacks {chunk_index} or {file_index}: files would overwrite each other`, { file, column: name });
    }
  }
}

function checkFeatures(ctx: VerifyContext, info: DatasetInfo, file: string): void {
  for (const [key, expected] of Object.entries(DEFAULT_FEATURES)) {
    const feature = info.features[key];
    if (!feature) {
      ctx.add("info.features", `feature '${key}' is missing (every LeRobot frame has it)`, { file, column: key });
    } else if (feature.dtype !== expected.dtype) {
      ctx.add("info.features", `feature '${key}' is ${feature.dtype}, LeRobot writes ${expected.dtype}`, { file, column: key });
    }
  }
  for (const [key, feature] of Object.entries(info.features)) {
    const names = feature.names;
    if (Array.isArray(names) && feature.dtype !== "video" && feature.dtype !== "image" && feature.shape.length === 1 && names.length !== feature.shape[0]) {
      ctx.add("info.features", `feature '${key}' has ${names.length} names for shape [${feature.shape[0]}]`, { file, column: key });
    }
    if (feature.dtype !== "video") continue;
    const video = videoInfoOf(feature);
    // LeRobot v0.6 fills the video.* keys in from the first saved episode's files
    // (dataset_metadata.py update_video_info); until then `{"is_depth_map": false}` is all there is.
    if (video.codec === undefined || video.height === undefined || video.width === undefined) {
      if (info.total_episodes > 0) ctx.add("info.features", `video feature '${key}' has no video.codec / video.height / video.width in its info block`, { file, column: key });
      continue;
    }
    const [h, w] = feature.shape;
    if (feature.shape.length !== 3 || h !== video.height || w !== video.width) {
      ctx.add("info.features", `video feature '${key}': shape [${feature.shape.join(", ")}] disagrees with video ${video.width}x${video.height}`, { file, column: key });
    }
    if (video.fps !== undefined && Math.abs(video.fps - info.fps) > 1e-6) {
      ctx.add("info.fps", `video feature '${key}' is at ${video.fps} fps, the dataset at ${info.fps}`, { file, column: key });
    }
  }
}

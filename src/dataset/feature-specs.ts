/**
 * The features a user declares for a new dataset, checked and completed as LeRobot's create()
 * does before anything is written.
 */
import { FrameValidationError } from "../errors.js";
import type { Feature } from "./info.js";
import { DEFAULT_FEATURES } from "./info.js";
import { arrowTypeForFeature, isNumericDtype } from "./schema.js";

/** A feature as the user declares it; `info` of video features is filled in from the written files. */
export interface FeatureSpec {
  dtype: string;
  shape: number[];
  names?: string[] | Record<string, unknown> | null;
}

/** Validate user features and append the default ones, as LeRobot's create() does. */
export function checkFeatureSpecs(specs: Record<string, FeatureSpec>, useVideos: boolean): Record<string, Feature> {
  const features: Record<string, Feature> = {};
  for (const [key, spec] of Object.entries(specs ?? {})) {
    // As LeRobot (utils/feature_utils.py _validate_feature_names): '/' separates the flattened
    // episode columns (`stats/<feature>/min`, `videos/<key>/chunk_index`).
    if (key.includes("/")) throw new FrameValidationError(key, "contains '/', which LeRobot refuses in feature names (it separates the episodes metadata columns)");
    if (key in DEFAULT_FEATURES) throw new FrameValidationError(key, "is added by the writer; do not declare it");
    if (key === "task") throw new FrameValidationError(key, "is reserved for the frame's task text");
    if (!spec || !Array.isArray(spec.shape) || spec.shape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new FrameValidationError(key, "needs a shape of positive integers");
    }
    const names = spec.names === undefined ? null : spec.names;
    if (spec.dtype === "video" || spec.dtype === "image") {
      if (spec.shape.length !== 3 || spec.shape[2] !== 3) throw new FrameValidationError(key, `camera shape must be [height, width, 3], got [${spec.shape.join(", ")}]`);
      // As LeRobot: without videos, cameras are `image` features, PNG files inside the data parquet.
      const dtype = spec.dtype === "video" && useVideos ? "video" : "image";
      // LeRobot v0.6 gives every camera `info: {"is_depth_map": ...}` at creation
      // (utils/feature_utils.py hw_to_dataset_features); the video.* keys follow the first save.
      features[key] = { dtype, shape: [...spec.shape], names: names ?? ["height", "width", "channels"], info: { is_depth_map: false } };
    } else if (spec.dtype === "float16") {
      throw new FrameValidationError(key, "float16 features cannot be written yet (use float32)");
    } else if (isNumericDtype(spec.dtype) || spec.dtype === "string") {
      // Datasets with 2-5 dimensional features are read, but the writer stores vectors only.
      if (spec.shape.length !== 1) throw new FrameValidationError(key, `shape [${spec.shape.join(", ")}] cannot be written yet (only [1] and [n]; flatten it to [${spec.shape.reduce((a, b) => a * b, 1)}])`);
      const feature: Feature = { dtype: spec.dtype, shape: [...spec.shape], names };
      arrowTypeForFeature(key, feature);
      features[key] = feature;
    } else if (spec.dtype === "language") {
      throw new FrameValidationError(key, "language columns are added by LeRobot's annotation pipeline after recording; the writer does not record them");
    } else {
      throw new FrameValidationError(key, `unknown dtype '${spec.dtype}'`);
    }
  }
  return { ...features, ...structuredClone(DEFAULT_FEATURES) };
}

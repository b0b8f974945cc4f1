export { openDataset, LeRobotDataset } from "./reader.js";
export type { OpenDatasetOptions, EpisodeInfo, EpisodeCameraFile, DecodedFrame } from "./reader.js";
export { DatasetWriter } from "./writer.js";
export { ThreadedDatasetWriter } from "./threaded-writer.js";
export type { DatasetWriterOptions, ResumeOptions, SavedEpisode, FeatureSpec, Frame, FrameValue } from "./writer.js";
export type { DatasetInfo, Feature, VideoInfo } from "./info.js";
export { parseInfo, CODEBASE_VERSION } from "./info.js";
export type { EpisodeRecord, EpisodeVideoLocation } from "./episodes.js";
export type { ColumnValues } from "./columns.js";
export type { TypedArray } from "./schema.js";
export type { CodecOptionValue, VideoEncoderSettings } from "./video/index.js";
export { columnValues } from "./columns.js";
export { lerobotHome, resolveDatasetRoot } from "./paths.js";
export { readParquet, readParquetMetadata, decodeArrowSchema } from "./parquet.js";
export type { DatasetStats, FeatureStats, StatValue } from "./stats.js";
export { computeNumericStats, aggregateStats, ImageStatsAccumulator, parseStats } from "./stats.js";
export { writeSyntheticDataset } from "./synthetic.js";
export type { SyntheticDatasetOptions } from "./synthetic.js";
export { findFfmpeg, probeMp4 } from "./video/index.js";
export type { FfmpegInfo, Mp4Info } from "./video/index.js";
// For the layers above (not the public API, which src/index.ts lists).
export { stagingPath, writeFileAtomic } from "./atomic.js";
export type { ByteSource } from "./byte-source.js";
export { committedEpisodes, committedStatsText, committedTasks, isPendingRun, pendingSave } from "./committed-view.js";
export { buildEpisodesTable, parseEpisodesTable } from "./episodes.js";
export { LocalDatasetFiles } from "./files.js";
export type { DatasetFiles, DirEntry, FileKind } from "./files.js";
export {
  DEFAULT_DATA_FILES_SIZE_IN_MB, DEFAULT_DATA_PATH, DEFAULT_FEATURES, DEFAULT_VIDEO_FILES_SIZE_IN_MB, DEFAULT_VIDEO_PATH,
  EPISODES_PATH, INFO_PATH, InfoVersionError, STATS_PATH, TASKS_PATH, dataColumnKeys, featureSchema, featureSize,
  infoSchema, isDepthMap, isVideoFeature, videoInfoOf, videoKeys,
} from "./info.js";
export { acquireWriterLock, releaseWriterLock, writerLockHolder } from "./lock.js";
export { ParquetConcat, keepRowGroups } from "./parquet-append.js";
export { MissingFooterError, encodeParquet } from "./parquet.js";
export type { ParquetFileMetadata, ReadParquetOptions } from "./parquet.js";
export { formatTemplate, isOccupied, nextChunkFile, resolveInside } from "./paths.js";
export { decodePng, encodePng } from "./png.js";
export { parsePythonJson, toPythonJson } from "./python-json.js";
export { formatTraffic, remoteTrafficSchema } from "./read-traffic.js";
export type { RemoteTraffic } from "./read-traffic.js";
export { listEpisodesFiles } from "./reader.js";
export { trimToCommitted } from "./resume-trim.js";
export { SAVE_JOURNAL_PATH, parseSaveJournal } from "./save-journal.js";
export type { SaveJournal } from "./save-journal.js";
export { arrowTypeForFeature, isMultiDimensional, isNumericDtype, pythonJsonDumps } from "./schema.js";
export { QUANTILES, statsToPythonJson } from "./stats.js";
export type { CompleteFeatureStats } from "./stats.js";
export { aggregateFeatureStats } from "./stats/aggregate.js";
export { flatten } from "./stats/types.js";
export { buildTasksTable, parseTasksTable } from "./tasks.js";
export { codecFamily } from "./video/codecs.js";
export {
  ENCODER_INFO_KEYS, EpisodeVideoEncoder, VIDEO_CODEC_NAMES, decodeFrames, encoderSettingsFromInfo, resolveEncoderSettings,
  resolveVideoCodec, videoFeatureInfo,
} from "./video/index.js";
export type { ResolvedEncoderSettings } from "./video/index.js";
export { Mp4LayoutError, child, durationField, need, readMoov, serialize, topLevelBoxes } from "./video/mp4-boxes.js";
export type { Box } from "./video/mp4-boxes.js";
export { spliceMp4 } from "./video/mp4-splice.js";

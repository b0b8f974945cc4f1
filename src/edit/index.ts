/** edit: dataset tools (library side of `lerobot-ts edit`, `convert` and `repair`). */
export { EditError } from "./errors.js";
export {
  deleteEpisodes, splitDataset, splitEpisodeLists, mergeDatasets, removeFeatures, modifyTasks, recomputeStats,
} from "./operations.js";
export type { TaskChanges } from "./operations.js";
export { reencodeVideos, convertImageToVideo } from "./video-operations.js";
export type { ReencodeResult } from "./video-operations.js";
export { copyEpisodes } from "./copy-episodes.js";
export type { CopyEpisodesOptions, CopyProgress, CopyResult, EpisodeSource } from "./copy-episodes.js";
export type { VideoPlan, VideoTarget } from "./copy-videos.js";
export { convertToV30, ConvertError } from "./convert-v21.js";
export type { ConvertOptions, ConvertProgress, ConvertResult } from "./convert-v21.js";
export { repairDataset, DatasetBusyError, formatRepairReport, repairReportSchema, REPAIR_REPORT_SCHEMA_ID } from "./repair.js";
export type { RepairOptions, RepairReport, RepairChange, RepairUnfixed, RepairProgress } from "./repair.js";
export type { RepairPhase } from "./repair/types.js";
export { editReportSchema, convertReportSchema, EDIT_REPORT_SCHEMA_ID, CONVERT_REPORT_SCHEMA_ID } from "./report.js";
export type { EditReport, ConvertReport } from "./report.js";

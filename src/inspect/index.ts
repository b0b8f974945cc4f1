export { inspectParquetFile } from "./parquet-file.js";
export type { InspectParquetOptions } from "./parquet-file.js";
export { inspectDataset } from "./dataset.js";
export type { InspectDatasetOptions } from "./dataset.js";
export { InspectOptionError } from "./options.js";
export type { RowRange } from "./options.js";
export { formatInspectReport } from "./format.js";
export type { FormatOptions } from "./format.js";
export { computeColumnStats } from "./column-stats.js";
export { inspectReportSchema, INSPECT_SCHEMA_ID } from "./report.js";
export type {
  InspectReport, ParquetReport, DatasetReport, ColumnStats, DimensionStats, EpisodeBreakdown, CameraReport, FileGroup,
} from "./report.js";

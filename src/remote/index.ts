/** remote: a Hub dataset read in place (range requests and their cache), for verify, inspect and the CLI. */
export { openDatasetFiles, parseHubDatasetUrl } from "./open-dataset-files.js";
export type { DatasetPlaceOptions } from "./open-dataset-files.js";

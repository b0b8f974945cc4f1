/**
 * A dataset's metadata (info, tasks, episodes) read through DatasetFiles, for inspect on a Hub
 * dataset read in place; the same files and parsers as the local reader (dataset/reader.ts).
 * stats.json is not read: inspect does not show it.
 */
import path from "node:path";
import { DatasetError } from "../errors.js";
import type { EpisodeRecord, DatasetFiles, DatasetInfo } from "../dataset/index.js";
import { parseEpisodesTable, INFO_PATH, InfoVersionError, TASKS_PATH, parseInfo, readParquet, readParquetMetadata, LeRobotDataset, parseTasksTable } from "../dataset/index.js";

export async function loadDataset(files: DatasetFiles): Promise<LeRobotDataset> {
  const info = await loadInfo(files);
  const tasks = await loadTasks(files);
  const episodes = await loadEpisodes(files);
  return new LeRobotDataset(files.root, info, tasks, episodes, undefined);
}

async function loadInfo(files: DatasetFiles): Promise<DatasetInfo> {
  const file = path.join(files.root, INFO_PATH);
  if (files.kind(file) !== "file") throw new DatasetError(`no LeRobot dataset at ${files.location}: ${INFO_PATH} not found`, { file });
  let json: unknown;
  try {
    json = JSON.parse(await files.readText(file));
  } catch (error) {
    throw new DatasetError(`${INFO_PATH} is not valid JSON: ${(error as Error).message}`, { file, cause: error });
  }
  try {
    return parseInfo(json);
  } catch (error) {
    if (error instanceof InfoVersionError) throw new DatasetError(`${INFO_PATH}: ${error.message}`, { file, cause: error });
    throw new DatasetError(`${INFO_PATH} is not a valid v3.0 info.json: ${(error as Error).message}`, { file, cause: error });
  }
}

async function loadTasks(files: DatasetFiles): Promise<string[]> {
  const file = path.join(files.root, TASKS_PATH);
  if (files.kind(file) !== "file") throw new DatasetError(`${files.location} has no ${TASKS_PATH}`, { file });
  const source = files.source(file);
  const [table, meta] = [await readParquet(source), await readParquetMetadata(source)];
  try {
    return parseTasksTable(table, meta.keyValue.get("pandas"));
  } catch (error) {
    throw new DatasetError(`${TASKS_PATH}: ${(error as Error).message}`, { file, cause: error });
  }
}

/** Every meta/episodes/chunk-XXX/file-XXX.parquet, in chunk then file order. */
async function loadEpisodes(files: DatasetFiles): Promise<EpisodeRecord[]> {
  const dir = path.join(files.root, "meta", "episodes");
  if (files.kind(dir) !== "directory") throw new DatasetError(`no episodes metadata: ${files.location} has no meta/episodes`, { file: dir });
  const names = (folder: string) => files.list(folder).map((e) => e.name).sort();
  const records: EpisodeRecord[] = [];
  for (const chunk of names(dir).filter((d) => /^chunk-\d+$/.test(d))) {
    for (const name of names(path.join(dir, chunk)).filter((f) => /^file-\d+\.parquet$/.test(f))) {
      const file = path.join(dir, chunk, name);
      try {
        records.push(...parseEpisodesTable(await readParquet(files.source(file))));
      } catch (error) {
        throw new DatasetError(`meta/episodes/${chunk}/${name}: ${(error as Error).message}`, { file, cause: error });
      }
    }
  }
  return records;
}

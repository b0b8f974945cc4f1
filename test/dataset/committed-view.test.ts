/**
 * The committed view (docs/ARCHITECTURE.md, crash safety): given the journal of a save that
 * info.json has not counted, exactly the leftovers it describes are left out (its tasks, its
 * episode row, its data rows, the stats.json it wrote) and anything else is kept as it is.
 */
import { describe, expect, it } from "vitest";
import {
  committedEpisodes, committedStatsText, committedTasks, isPendingRun, pendingSave,
} from "../../src/dataset/committed-view.js";
import type { EpisodeRecord } from "../../src/dataset/episodes.js";
import type { DatasetInfo } from "../../src/dataset/info.js";
import { DEFAULT_DATA_PATH } from "../../src/dataset/info.js";
import type { SaveJournal } from "../../src/dataset/save-journal.js";
import { sha256 } from "../../src/dataset/save-journal.js";

const OLD_STATS = '{"action": {"count": [18]}}';
const NEW_STATS = '{"action": {"count": [22]}}';

/** The save of episode 3 (4 frames from index 18, one new task) into file 0 of chunk 0. */
const journal: SaveJournal = {
  episodeIndex: 3, fromIndex: 18, length: 4, totalTasks: 1, newTasks: ["place"],
  dataFile: "data/chunk-000/file-000.parquet", episodesFile: "meta/episodes/chunk-000/file-000.parquet",
  committedStats: OLD_STATS, savedStatsSha256: sha256(NEW_STATS), pid: 1234,
};

/** info.json's counts before that save: 3 episodes, 18 frames, 1 task. */
const info = { total_episodes: 3, total_frames: 18, total_tasks: 1 } as DatasetInfo;

function episode(index: number, from: number, length: number, files: Partial<EpisodeRecord> = {}): EpisodeRecord {
  return {
    episodeIndex: index, tasks: ["pick"], length, dataChunkIndex: 0, dataFileIndex: 0,
    datasetFromIndex: from, datasetToIndex: from + length, videos: {}, stats: {}, metaChunkIndex: 0, metaFileIndex: 0, ...files,
  };
}
const committed = [episode(0, 0, 6), episode(1, 6, 5), episode(2, 11, 7)];

describe("pendingSave", () => {
  it("is the journal when it started from exactly info.json's counts", () => {
    expect(pendingSave(journal, info)).toBe(journal);
  });

  it("is undefined without a journal, or for one of a save info.json already counts", () => {
    expect(pendingSave(undefined, info)).toBeUndefined();
    // info.json counts episode 3: the journal was left by a save killed after its commit.
    expect(pendingSave(journal, { ...info, total_episodes: 4, total_frames: 22, total_tasks: 2 })).toBeUndefined();
  });

  it("is undefined when any one of the three counts differs", () => {
    expect(pendingSave({ ...journal, episodeIndex: 2 }, info)).toBeUndefined();
    expect(pendingSave({ ...journal, fromIndex: 17 }, info)).toBeUndefined();
    expect(pendingSave({ ...journal, totalTasks: 0 }, info)).toBeUndefined();
  });
});

describe("committedTasks", () => {
  it("leaves out the save's new tasks when the file ends with exactly them", () => {
    expect(committedTasks(["pick", "place"], journal)).toEqual({ tasks: ["pick"], pending: 1 });
  });

  it("keeps the tasks as they are when they are not the save's", () => {
    expect(committedTasks(["pick", "push"], journal)).toEqual({ tasks: ["pick", "push"], pending: 0 });
    // The new task not (yet) switched in: nothing to leave out.
    expect(committedTasks(["pick"], journal)).toEqual({ tasks: ["pick"], pending: 0 });
    // More tasks than the save explains.
    expect(committedTasks(["pick", "place", "extra"], journal)).toEqual({ tasks: ["pick", "place", "extra"], pending: 0 });
    expect(committedTasks(["pick", "place"], undefined)).toEqual({ tasks: ["pick", "place"], pending: 0 });
    expect(committedTasks(["pick", "place"], { ...journal, newTasks: [] })).toEqual({ tasks: ["pick", "place"], pending: 0 });
  });
});

describe("committedEpisodes", () => {
  const saved = episode(3, 18, 4);

  it("leaves out the last row when it is exactly the save's episode, and returns it as pending", () => {
    expect(committedEpisodes([...committed, saved], journal, DEFAULT_DATA_PATH)).toEqual({ episodes: committed, pending: saved });
  });

  it("keeps the rows when the save's row is not there yet", () => {
    expect(committedEpisodes(committed, journal, DEFAULT_DATA_PATH)).toEqual({ episodes: committed });
  });

  it("keeps a last row that differs from the journal in length, range, data file or episodes file", () => {
    const others = [
      episode(3, 18, 5),
      episode(3, 17, 4),
      episode(3, 18, 4, { dataFileIndex: 1 }),
      episode(3, 18, 4, { metaChunkIndex: 1 }),
      { ...saved, datasetToIndex: 23 },
    ];
    for (const last of others) {
      const rows = [...committed, last];
      expect(committedEpisodes(rows, journal, DEFAULT_DATA_PATH)).toEqual({ episodes: rows });
    }
  });

  it("places the data file by info.json's data_path template", () => {
    const custom = "data/{chunk_index}/{file_index}.parquet";
    const rows = [...committed, saved];
    expect(committedEpisodes(rows, journal, custom)).toEqual({ episodes: rows });
    expect(committedEpisodes(rows, { ...journal, dataFile: "data/0/0.parquet" }, custom).pending).toBe(saved);
  });

  it("keeps everything without a journal", () => {
    expect(committedEpisodes([...committed, saved], undefined, DEFAULT_DATA_PATH)).toEqual({ episodes: [...committed, saved] });
  });
});

describe("isPendingRun", () => {
  const run = { file: journal.dataFile, episodeIndex: 3, firstIndex: 18, rows: 4, atEnd: true };

  it("is true for the save's rows at the end of its data file", () => {
    expect(isPendingRun(journal, run)).toBe(true);
  });

  it("is false for rows anywhere else, of another episode or range, or without a journal", () => {
    expect(isPendingRun(journal, { ...run, atEnd: false })).toBe(false);
    expect(isPendingRun(journal, { ...run, file: "data/chunk-000/file-001.parquet" })).toBe(false);
    expect(isPendingRun(journal, { ...run, episodeIndex: 2 })).toBe(false);
    expect(isPendingRun(journal, { ...run, firstIndex: 17 })).toBe(false);
    expect(isPendingRun(journal, { ...run, rows: 3 })).toBe(false);
    expect(isPendingRun(undefined, run)).toBe(false);
  });
});

describe("committedStatsText", () => {
  it("gives the stats.json from before the save when the file is the one the save wrote", () => {
    expect(committedStatsText(NEW_STATS, journal)).toEqual({ text: OLD_STATS, pending: true });
  });

  it("gives no stats when the save was the first (there was no stats.json before it)", () => {
    expect(committedStatsText(NEW_STATS, { ...journal, committedStats: null })).toEqual({ text: undefined, pending: true });
  });

  it("keeps a stats.json the save did not write, byte for byte", () => {
    const edited = `${NEW_STATS}\n`;
    expect(committedStatsText(edited, journal)).toEqual({ text: edited, pending: false });
    expect(committedStatsText(OLD_STATS, journal)).toEqual({ text: OLD_STATS, pending: false });
    expect(committedStatsText(undefined, journal)).toEqual({ text: undefined, pending: false });
    expect(committedStatsText(NEW_STATS, undefined)).toEqual({ text: NEW_STATS, pending: false });
  });
});

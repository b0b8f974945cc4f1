/**
 * The data file and the episodes metadata file a save appends to, and when each is full: past
 * its size limit, or once its footer (rewritten by every save) passed a bound (appended-parquet.ts).
 * A full file is left as it is and the next rows start the next file.
 */
import { AppendedParquetFile } from "./appended-parquet.js";
import type { EpisodeRecord } from "./episodes.js";
import type { DatasetInfo } from "./info.js";
import { EPISODES_PATH } from "./info.js";
import type { FileCursor } from "./file-cursors.js";
import { MIB, cursorPath, moveToNextFile } from "./file-cursors.js";
import type { StagedPiece } from "./appended-parquet.js";

/**
 * Episodes per row group of the episodes metadata. Each row group adds ~17 KB to the footer (one
 * chunk entry per stats column, ~170 with two cameras) and every save rewrites the footer, so
 * small groups made saves grow with the file (groups of 10: +16 % over 500 episodes); re-encoding
 * the filling group of up to 50 rows costs a few ms and keeps saves flat (bench/saves.js). LeRobot
 * (datasets/dataset_metadata.py LeRobotDatasetMetadata, metadata_buffer_size=10) flushes every 10;
 * readers do not care.
 */
const META_GROUP_ROWS = 50;

/** The current data file: one row group per episode, appended in place. */
export class DataFileTarget {
  private file: AppendedParquetFile | undefined;
  /** Frames and bytes of the current file, for the size-limit estimate. */
  private frames = 0;
  private bytes = 0;

  constructor(private readonly root: string, private readonly info: DatasetInfo, readonly cursor: FileCursor) {}

  /** The file an episode of `length` rows goes to: the current one unless that would pass the size limit, or its footer is full. */
  fileFor(length: number): AppendedParquetFile {
    if (this.cursor.exists && this.frames > 0) {
      const estimate = this.bytes + (this.bytes / this.frames) * length;
      if (estimate >= this.info.data_files_size_in_mb * MIB) this.rotate();
    }
    if (this.file?.footerFull) this.rotate();
    return this.file ?? new AppendedParquetFile(cursorPath(this.root, this.info.data_path, this.cursor));
  }

  /** Once the save is committed: `file` holds the episode's `length` rows as `piece`. */
  accept(file: AppendedParquetFile, piece: StagedPiece, length: number): void {
    piece.accept();
    this.file = file;
    this.frames += length;
    this.bytes = piece.size;
    this.cursor.exists = true;
  }

  private rotate(): void {
    this.file = undefined;
    moveToNextFile(this.cursor, this.info.chunks_size);
    this.frames = 0;
    this.bytes = 0;
  }
}

/** Where an episode's metadata row goes: the file, the row group it re-encodes, and the row groups kept before it. */
export interface EpisodeRowPlace {
  file: AppendedParquetFile;
  /** The rows of the file's last row group with the new one. */
  openRows: EpisodeRecord[];
  /** Row groups of the file that stay as they are. */
  keep: number;
}

/**
 * The current episodes metadata file. Its rows go in row groups of META_GROUP_ROWS episodes
 * (one per episode would cost ~15 KB of per-column footer each): a save re-encodes only the
 * last, still filling row group, so it costs O(META_GROUP_ROWS), not O(file).
 */
export class EpisodesFileTarget {
  private file: AppendedParquetFile | undefined;
  /** Rows of the file's last row group (the one still filling). */
  private openRows: EpisodeRecord[] = [];
  private bytes = 0;

  constructor(private readonly root: string, private readonly info: DatasetInfo, readonly cursor: FileCursor) {}

  /** Start the next file if the current one is full; call before the row names its file. */
  rotateIfFull(): void {
    if (this.file && (this.bytes >= this.info.data_files_size_in_mb * MIB || this.file.footerFull)) this.rotate();
  }

  /** The last row group is re-encoded with the new row until it holds META_GROUP_ROWS. */
  place(record: EpisodeRecord): EpisodeRowPlace {
    const file = this.file ?? new AppendedParquetFile(cursorPath(this.root, EPISODES_PATH, this.cursor));
    const sealed = this.openRows.length >= META_GROUP_ROWS;
    const openRows = sealed ? [record] : [...this.openRows, record];
    const keep = file.rowGroupRows.length - (sealed || this.openRows.length === 0 ? 0 : 1);
    return { file, openRows, keep };
  }

  /** Once the save is committed: the row is in `place.file` as `piece`. */
  accept(place: EpisodeRowPlace, piece: StagedPiece): void {
    piece.accept();
    this.file = place.file;
    this.openRows = place.openRows;
    this.bytes = piece.size;
    this.cursor.exists = true;
  }

  private rotate(): void {
    moveToNextFile(this.cursor, this.info.chunks_size);
    this.file = undefined;
    this.openRows = [];
    this.bytes = 0;
  }
}

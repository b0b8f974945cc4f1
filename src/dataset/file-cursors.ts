/**
 * Where the next episode's rows, metadata row or clip go: a chunk and file index per kind of
 * file, moved to the next file when the current one is full (as LeRobot's update_chunk_file_indices).
 */
import { formatTemplate, nextChunkFile, resolveInside } from "./paths.js";

export const MIB = 1024 * 1024;

/** Where the next rows of a kind of file go, and what the current file already holds. */
export interface FileCursor {
  chunk: number;
  file: number;
  /** False until the current file has been written once. */
  exists: boolean;
}

/** The first file of a new dataset. */
export function firstFile(): FileCursor {
  return { chunk: 0, file: 0, exists: false };
}

/** The file after chunk/file, not written yet (a resumed writer never grows a file it did not start). */
export function fileAfter(chunk: number, file: number, chunksSize: number): FileCursor {
  return { ...nextChunkFile(chunk, file, chunksSize), exists: false };
}

/** Move the cursor to the next file, in place. */
export function moveToNextFile(cursor: FileCursor, chunksSize: number): void {
  Object.assign(cursor, nextChunkFile(cursor.chunk, cursor.file, chunksSize), { exists: false });
}

/** The cursor's file in a path template (data_path, EPISODES_PATH, video_path), relative to the root. */
export function cursorFile(template: string, cursor: FileCursor, values: Record<string, string> = {}): string {
  return formatTemplate(template, { ...values, chunk_index: cursor.chunk, file_index: cursor.file });
}

/** The cursor's file as an absolute path inside the dataset root. */
export function cursorPath(root: string, template: string, cursor: FileCursor, values: Record<string, string> = {}): string {
  return resolveInside(root, cursorFile(template, cursor, values));
}

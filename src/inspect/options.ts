/**
 * What part of a parquet file inspect was asked to show, checked against the file: the row
 * range and the columns. A bad request is an InspectOptionError (the CLI's exit 2), not a
 * problem with the data.
 */

/** The caller asked for something the file cannot give (a column it lacks, a negative row). */
export class InspectOptionError extends Error {
  override name = "InspectOptionError";
}

export const DEFAULT_HEAD = 5;

/** Half-open row range [start, end). */
export interface RowRange {
  start: number;
  end: number;
}

/** The sample rows to show: `rows` if given, else the first `head`; clamped to the file's rows. */
export function sampleRange(numRows: number, options: { head?: number; rows?: RowRange }): RowRange {
  const wanted = options.rows ?? { start: 0, end: options.head ?? DEFAULT_HEAD };
  const { start, end } = wanted;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start) {
    throw new InspectOptionError(`row range ${start}:${end} is not a range A:B of row numbers with 0 <= A <= B`);
  }
  return { start: Math.min(start, numRows), end: Math.min(end, numRows) };
}

/** The columns to show, in the order asked; all of them when none are asked for. */
export function chooseColumns(available: string[], asked: string[] | undefined): string[] {
  if (asked === undefined) return available;
  if (asked.length === 0) throw new InspectOptionError("no columns asked for");
  const unknown = asked.filter((c) => !available.includes(c));
  if (unknown.length > 0) {
    throw new InspectOptionError(
      `no column ${unknown.map((c) => `'${c}'`).join(", ")} in the file (columns: ${available.join(", ")})`,
    );
  }
  return [...new Set(asked)];
}

/**
 * What reading a Hub dataset in place cost, as verify and inspect report it (their --json gains
 * a `remote` object of this shape), and its one-line human form.
 */
import { z } from "zod";

const count = z.number().int().nonnegative();

export const remoteTrafficSchema = z.object({
  repoId: z.string(),
  revision: z.string().describe("the branch, tag or commit asked for or chosen (LeRobot's choice: the v3.0 tag, else main)"),
  commit: z.string().describe("the commit every file was read at"),
  bytesRead: count.describe("file bytes received over HTTP"),
  datasetBytes: count.describe("bytes of every file in the repo at that commit"),
  requests: count.describe("HTTP range requests for file bytes"),
});

export type RemoteTraffic = z.infer<typeof remoteTrafficSchema>;

/** "read 1,234,567 bytes of 98,765,432 (1.25%) in 42 requests, at commit 0123abcd" */
export function formatTraffic(remote: RemoteTraffic): string {
  const share = remote.datasetBytes > 0 ? (100 * remote.bytesRead) / remote.datasetBytes : 0;
  const n = (x: number) => x.toLocaleString("en-US");
  return `read ${n(remote.bytesRead)} bytes of ${n(remote.datasetBytes)} (${share.toFixed(2)}%) in ${n(remote.requests)} request${remote.requests === 1 ? "" : "s"}, at commit ${remote.commit.slice(0, 8)}`;
}

/**
 * The cost of reading a Hub dataset in place, as verify and inspect report it.
 */
import { describe, expect, it } from "vitest";
import { formatTraffic, remoteTrafficSchema } from "../../src/dataset/read-traffic.js";

const traffic = {
  repoId: "user/set", revision: "v3.0", commit: "0123456789abcdef0123456789abcdef01234567",
  bytesRead: 1_234_567, datasetBytes: 98_765_432, requests: 42,
};

describe("formatTraffic", () => {
  it("gives bytes with thousands separators, the share to two decimals, and the short commit", () => {
    expect(formatTraffic(traffic)).toBe("read 1,234,567 bytes of 98,765,432 (1.25%) in 42 requests, at commit 01234567");
  });

  it("says 'request' for one, and a 0% share of an empty dataset rather than NaN", () => {
    expect(formatTraffic({ ...traffic, bytesRead: 0, datasetBytes: 0, requests: 1 }))
      .toBe("read 0 bytes of 0 (0.00%) in 1 request, at commit 01234567");
  });
});

describe("remoteTrafficSchema", () => {
  it("accepts a report and refuses negative or fractional counts and missing keys", () => {
    expect(remoteTrafficSchema.parse(traffic)).toEqual(traffic);
    expect(remoteTrafficSchema.safeParse({ ...traffic, requests: -1 }).success).toBe(false);
    expect(remoteTrafficSchema.safeParse({ ...traffic, bytesRead: 1.5 }).success).toBe(false);
    const { commit: _commit, ...noCommit } = traffic;
    expect(remoteTrafficSchema.safeParse(noCommit).success).toBe(false);
  });
});

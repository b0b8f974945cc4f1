/** lapTimer: the per-step milliseconds of SavedEpisode.timingsMs, read off a clock the test moves by hand. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { lapTimer } from "../../src/dataset/save-timings.js";

let now = 0;
afterEach(() => { vi.restoreAllMocks(); });

describe("lapTimer", () => {
  it("gives each lap the time since the previous one and total the time since the start, in ms rounded to 0.1", () => {
    now = 5000;
    vi.spyOn(performance, "now").mockImplementation(() => now);
    const timer = lapTimer();
    now = 5012.34;
    expect(timer.lap()).toBe(12.3);
    now = 5012.4; // 0.06 ms after the last lap, not after the start
    expect(timer.lap()).toBe(0.1);
    expect(timer.lap()).toBe(0);
    now = 5100.06;
    expect(timer.total()).toBe(100.1);
    // total() is no lap: the next lap still counts from 5012.4.
    expect(timer.lap()).toBe(87.7);
  });
});

/** FindingCollector: findings with their catalog severity and hint, relative paths, a per-check limit, counts. */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CHECKS } from "../../src/verify/catalog.js";
import { DEFAULT_MAX_FINDINGS_PER_CHECK, FindingCollector } from "../../src/verify/findings.js";

const ROOT = path.resolve("/data/set");

describe("FindingCollector.add", () => {
  it("fills in the group, severity and hint from the catalog and names the file relative to the dataset", () => {
    const c = new FindingCollector(ROOT);
    c.add("data.nulls", "column 'action' has 2 null values", { file: path.join(ROOT, "data", "chunk-000", "file-000.parquet"), column: "action" });
    expect(c.findings).toEqual([{
      check: "data.nulls", group: "data", severity: "error", hint: CHECKS["data.nulls"].hint,
      message: "column 'action' has 2 null values", file: "data/chunk-000/file-000.parquet", column: "action",
    }]);
  });

  it("keeps the first findings of a check up to the limit and counts the rest", () => {
    const c = new FindingCollector(ROOT, 2);
    for (let i = 0; i < 5; i++) c.add("data.index", `gap ${i}`);
    c.add("tasks.unused", "task 1 unused");
    expect(c.findings.map((f) => f.message)).toEqual(["gap 0", "gap 1", "task 1 unused"]);
    expect(c.countsByCheck.get("data.index")).toBe(5);
  });

  it("keeps 20 per check by default", () => {
    const c = new FindingCollector(ROOT);
    for (let i = 0; i < 25; i++) c.add("data.index", `gap ${i}`);
    expect(DEFAULT_MAX_FINDINGS_PER_CHECK).toBe(20);
    expect(c.findings).toHaveLength(20);
  });
});

describe("FindingCollector.relative", () => {
  it("names the root '.', and leaves a relative path as it is", () => {
    const c = new FindingCollector(ROOT);
    expect(c.relative(ROOT)).toBe(".");
    expect(c.relative("meta/info.json")).toBe("meta/info.json");
  });
});

describe("FindingCollector.count and hasErrors", () => {
  it("count every finding, listed or not, by severity and group", () => {
    const c = new FindingCollector(ROOT, 1);
    c.add("data.index", "a");
    c.add("data.index", "b");
    c.add("data.extra_column", "c");
    c.add("tasks.unused", "d");
    expect(c.count("error")).toBe(2);
    expect(c.count("warning")).toBe(2);
    expect(c.count("warning", "data")).toBe(1);
    expect(c.hasErrors("data")).toBe(true);
    expect(c.hasErrors("tasks")).toBe(false);
    expect(new FindingCollector(ROOT).hasErrors()).toBe(false);
  });
});

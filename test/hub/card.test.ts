/**
 * The dataset card LeRobot pushes as README.md: YAML front matter the Hub reads (license, tags,
 * the dataset viewer's data files), then create_lerobot_dataset_card's text with info.json.
 */
import { describe, expect, it } from "vitest";
import { datasetCard, yamlScalar } from "../../src/hub/card.js";

const INFO = {
  codebase_version: "v3.0", robot_type: "so101_follower", total_episodes: 2, total_frames: 40, total_tasks: 1,
  chunks_size: 1000, fps: 30, splits: { train: "0:2" },
  data_path: "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet",
  video_path: "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4",
  features: { action: { dtype: "float32", shape: [6], names: ["a"] } },
  data_files_size_in_mb: 100, video_files_size_in_mb: 200,
};

/** The YAML front matter between the two `---` lines. */
function frontMatter(card: string): string[] {
  const lines = card.split("\n");
  expect(lines[0]).toBe("---");
  return lines.slice(1, lines.indexOf("---", 1));
}

/** The info.json block of the card, parsed. */
function cardInfo(card: string): Record<string, unknown> {
  const m = /\[meta\/info\.json\]\(meta\/info\.json\):\n```json\n([\s\S]*?)\n```\n/.exec(card);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]!) as Record<string, unknown>;
}

describe("datasetCard", () => {
  it("writes the front matter in huggingface_hub's order: license, robotics, LeRobot then the given tags, the data files", () => {
    expect(frontMatter(datasetCard({ repoId: "me/pick", info: INFO, tags: ["so101", "tutorial"] }))).toEqual([
      "license: apache-2.0", "task_categories:", "- robotics", "tags:", "- LeRobot", "- so101", "- tutorial",
      "configs:", "- config_name: default", "  data_files: data/*/*.parquet",
    ]);
  });

  it("keeps tags unique in first-seen order, LeRobot first", () => {
    const front = frontMatter(datasetCard({ repoId: "me/pick", info: INFO, tags: ["b", "LeRobot", "a", "b"] }));
    expect(front.slice(front.indexOf("tags:") + 1, front.indexOf("configs:"))).toEqual(["- LeRobot", "- b", "- a"]);
  });

  it("leaves the license out of the front matter for license null, and says so in the text", () => {
    const card = datasetCard({ repoId: "me/pick", info: INFO, license: null });
    expect(frontMatter(card)[0]).toBe("task_categories:");
    expect(card).toContain("- **License:** [More Information Needed]\n");
    const mit = datasetCard({ repoId: "me/pick", info: INFO, license: "mit" });
    expect(frontMatter(mit)[0]).toBe("license: mit");
    expect(mit).toContain("- **License:** mit\n");
  });

  it("links the visualizer to the repo id, and has no link without one", () => {
    const card = datasetCard({ repoId: "me/pick", info: INFO });
    expect(card).toContain('<a class="flex" href="https://huggingface.co/spaces/lerobot/visualize_dataset?path=me/pick">');
    expect(datasetCard({ repoId: "", info: INFO })).not.toContain("visualize_dataset");
  });

  it("shows info.json with LeRobot's fields in its order, unknown keys dropped, missing ones null, tools only when set", () => {
    const info = { ...INFO, extra_field: 1, robot_type: undefined, tools: undefined };
    const shown = cardInfo(datasetCard({ repoId: "me/pick", info }));
    expect(Object.keys(shown)).toEqual([
      "codebase_version", "fps", "features", "total_episodes", "total_frames", "total_tasks", "chunks_size",
      "data_files_size_in_mb", "video_files_size_in_mb", "data_path", "video_path", "robot_type", "splits",
    ]);
    expect(shown).toMatchObject({ fps: 30, robot_type: null, features: INFO.features, splits: { train: "0:2" } });
    const withTools = cardInfo(datasetCard({ repoId: "me/pick", info: { ...INFO, tools: { teleop: "x" } } }));
    expect(withTools.tools).toEqual({ teleop: "x" });
  });

  it("indents info.json by 4 and escapes non-ASCII as \\uXXXX, as Python's json.dumps does", () => {
    const card = datasetCard({ repoId: "me/pick", info: { ...INFO, robot_type: "bras été ✓" } });
    expect(card).toContain('{\n    "codebase_version": "v3.0",\n    "fps": 30,');
    expect(card).toContain('"robot_type": "bras \\u00e9t\\u00e9 \\u2713"');
    expect(cardInfo(card).robot_type).toBe("bras été ✓");
  });

  it("has the template's sections in order, ending with the BibTeX block", () => {
    const card = datasetCard({ repoId: "me/pick", info: INFO });
    const at = (text: string) => card.indexOf(text);
    const order = ["This dataset was created using [LeRobot]", "## Dataset Description", "- **Homepage:**", "## Dataset Structure", "## Citation", "**BibTeX:**"];
    expect(order.map(at).every((i, k) => i > 0 && (k === 0 || i > at(order[k - 1]!)))).toBe(true);
    expect(card.endsWith("```bibtex\n[More Information Needed]\n```")).toBe(true);
  });
});

describe("yamlScalar", () => {
  it("writes plain text that reads back as the same string as is", () => {
    for (const text of ["apache-2.0", "so101", "cc-by-4.0", "my tag", "a_b/c+d"]) expect(yamlScalar(text), text).toBe(text);
  });

  it("single-quotes what YAML would read otherwise: booleans, null, numbers, symbols, edge spaces", () => {
    expect(yamlScalar("yes")).toBe("'yes'");
    expect(yamlScalar("Off")).toBe("'Off'");
    expect(yamlScalar("null")).toBe("'null'");
    expect(yamlScalar("3.0")).toBe("'3.0'");
    expect(yamlScalar("a: b")).toBe("'a: b'");
    expect(yamlScalar("#tag")).toBe("'#tag'");
    expect(yamlScalar("trailing ")).toBe("'trailing '");
    expect(yamlScalar("")).toBe("''");
  });

  it("doubles single quotes inside a quoted scalar", () => {
    expect(yamlScalar("it's")).toBe("'it''s'");
  });
});

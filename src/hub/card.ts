/**
 * The dataset card (README.md) LeRobot pushes with a dataset: the text that
 * lerobot/datasets/utils.py create_lerobot_dataset_card renders from
 * lerobot/datasets/card_template.md (LeRobot v0.6.1, Apache-2.0) and huggingface_hub's
 * DatasetCard writes: YAML front matter (license, task_categories [robotics], tags [LeRobot, ...],
 * configs with data_files data/*\/*.parquet, in the order huggingface_hub emits them), then the
 * template's text with the repo id's visualizer link and meta/info.json as the dataset structure.
 * The Hub reads the front matter for the repo's license, tags and dataset viewer.
 */
import type { DatasetInfo } from "../dataset/index.js";
import { toPythonJson } from "../dataset/index.js";

export interface DatasetCardOptions {
  repoId: string;
  /** meta/info.json as parsed. */
  info: DatasetInfo | Record<string, unknown>;
  /** LeRobot's push_to_hub default is "apache-2.0"; null leaves it out. */
  license?: string | null;
  /** Added after "LeRobot". */
  tags?: string[];
}

export function datasetCard(options: DatasetCardOptions): string {
  const license = options.license === undefined ? "apache-2.0" : options.license;
  // DatasetCardData keeps tags unique, in order.
  const tags = [...new Set(["LeRobot", ...(options.tags ?? [])])];
  const front = [
    ...(license ? [`license: ${yamlScalar(license)}`] : []),
    "task_categories:",
    "- robotics",
    "tags:",
    ...tags.map((t) => `- ${yamlScalar(t)}`),
    "configs:",
    "- config_name: default",
    "  data_files: data/*/*.parquet",
  ].join("\n");
  const more = "[More Information Needed]";
  const structure = `[meta/info.json](meta/info.json):\n\`\`\`json\n${asciiJson(infoAsLeRobotDumps(options.info))}\n\`\`\`\n`;
  const link = options.repoId
    ? `\n<a class="flex" href="https://huggingface.co/spaces/lerobot/visualize_dataset?path=${options.repoId}">\n` +
      `<img class="block dark:hidden" src="https://huggingface.co/datasets/huggingface/badges/resolve/main/visualize-this-dataset-xl.svg"/>\n` +
      `<img class="hidden dark:block" src="https://huggingface.co/datasets/huggingface/badges/resolve/main/visualize-this-dataset-xl-dark.svg"/>\n` +
      `</a>\n`
    : "";
  return `---\n${front}\n---\n\n` +
    "This dataset was created using [LeRobot](https://github.com/huggingface/lerobot).\n\n" +
    `${link}\n\n` +
    "## Dataset Description\n\n\n\n" +
    `- **Homepage:** ${more}\n` +
    `- **Paper:** ${more}\n` +
    `- **License:** ${license || more}\n\n` +
    "## Dataset Structure\n\n" +
    `${structure}\n\n` +
    "## Citation\n\n" +
    "**BibTeX:**\n\n" +
    "```bibtex\n" +
    `${more}\n` +
    "```";
}

/**
 * info.json as LeRobot v0.6.1's DatasetInfo.to_dict() gives it: its fields in declaration order,
 * unknown keys dropped, `tools` only when set.
 */
function infoAsLeRobotDumps(info: DatasetInfo | Record<string, unknown>): Record<string, unknown> {
  const source = info as Record<string, unknown>;
  const fields = ["codebase_version", "fps", "features", "total_episodes", "total_frames", "total_tasks", "chunks_size",
    "data_files_size_in_mb", "video_files_size_in_mb", "data_path", "video_path", "robot_type", "splits", "tools"];
  const out: Record<string, unknown> = {};
  for (const key of fields) {
    if (key === "tools" && (source.tools === undefined || source.tools === null)) continue;
    out[key] = source[key] ?? null;
  }
  return out;
}

/** Python's json.dumps(indent=4) with its default ensure_ascii=True. */
function asciiJson(value: unknown): string {
  return toPythonJson(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A YAML scalar as PyYAML writes a string: plain when it reads back as the same string, else single-quoted. */
export function yamlScalar(text: string): string {
  const plain = /^[A-Za-z_][\w ./+-]*$/.test(text) && !/ $/.test(text) &&
    !/^(true|false|yes|no|on|off|null|y|n)$/i.test(text);
  return plain ? text : `'${text.replace(/'/g, "''")}'`;
}

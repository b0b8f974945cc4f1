/**
 * Every check verify can report: a stable id (`<group>.<name>`, never renamed once published),
 * its severity, and the hint shown with each finding. Checks add the specific message.
 */

export type Severity = "error" | "warning";

/** The check groups, in the order verify runs and reports them. */
export const CHECK_GROUPS = ["dataset", "info", "tasks", "episodes", "data", "videos", "stats", "files", "quality", "deep"] as const;
/** One group of checks (the part before the dot of a check id). */
export type CheckGroup = (typeof CHECK_GROUPS)[number];

/** What the catalog says of one check: its severity, what it checks, and what to do about a finding. */
export interface CheckSpec {
  severity: Severity;
  /** What this check is about, for the README's table. */
  title: string;
  /** One line that says what to do about a finding. */
  hint: string;
}

const error = (title: string, hint: string): CheckSpec => ({ severity: "error", title, hint });
const warning = (title: string, hint: string): CheckSpec => ({ severity: "warning", title, hint });

const RERECORD = "re-record or drop the episode (e.g. LeRobot's `lerobot-edit-dataset --operation.type delete_episodes`)";

/**
 * Every check verify can report, by stable id (`<group>.<name>`; an id is never renamed once
 * published, so CI gates may match on it). The README's table of checks is generated from it.
 */
export const CHECKS = {
  "dataset.empty": error("the dataset has episodes", "record at least one episode; LeRobot cannot load an empty dataset"),
  "dataset.unfinished_save": warning("no save is unfinished", "a recording killed while saving left its episode past what info.json counts (the other checks and LeRobot read only the committed episodes, though LeRobot's stats.json may already count it): `lerobot-ts repair <dataset>`, or recording on with --resume=true, drops it; if a recording is still saving, wait for it"),

  "info.missing": error("meta/info.json exists", "every LeRobot dataset has meta/info.json; copy the whole dataset folder"),
  "info.unreadable": error("meta/info.json can be read", "check the file's permissions and that it is a file"),
  "info.json": error("meta/info.json is valid JSON", "the file was cut short or edited by hand; restore it from the recording machine"),
  "info.version": error("codebase_version is v3.0", "convert v2.1 datasets with LeRobot's `python -m lerobot.scripts.convert_dataset_v21_to_v30 --repo-id=<repo_id>`"),
  "info.schema": error("info.json has every field with the right type", "the finding names the field and what it should be (LeRobot v0.6 datasets/utils.py DatasetInfo); LeRobot refuses a malformed info.json"),
  "info.path_template": error("data_path / video_path are safe templates", "use LeRobot's templates: data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet"),
  "info.features": error("features are well formed", "every dataset has timestamp, frame_index, episode_index, index and task_index; videos need an info block"),
  "info.fps": error("video fps equals the dataset fps", "a camera recorded at another rate than the dataset needs resampling before training"),
  "info.total_episodes": error("total_episodes matches the episodes metadata", "set total_episodes to the number of rows in meta/episodes"),
  "info.total_frames": error("total_frames matches the episodes and the data", "set total_frames to the sum of the episode lengths"),
  "info.total_tasks": error("total_tasks matches meta/tasks.parquet", "set total_tasks to the number of rows in meta/tasks.parquet"),
  "info.splits": error("splits are valid episode ranges", "LeRobot writes splits as {\"train\": \"0:<total_episodes>\"}"),

  "tasks.missing": error("meta/tasks.parquet exists", "the dataset lost its task list; without it no task_index can be resolved"),
  "tasks.unreadable": error("meta/tasks.parquet can be read", "restore the file from the recording machine"),
  "tasks.no_footer": error("meta/tasks.parquet was closed", "the recording crashed before the file was finished; restore it or rebuild it from the episodes' tasks"),
  "tasks.schema": error("tasks.parquet has task_index and the task text as pandas index", "LeRobot writes a DataFrame indexed by the task text (pandas metadata index_columns: [\"task\"])"),
  "tasks.index": error("task_index is 0..n-1 in row order", "Python maps task_index to text by row position; sort the rows by task_index"),
  "tasks.duplicate": error("task texts are unique", "two task_index values share one text; merge them"),
  "tasks.unknown": error("every task used exists in tasks.parquet", "add the task to meta/tasks.parquet or fix the task_index of the rows"),
  "tasks.unused": warning("every task is used by some episode", "harmless, but a task no episode uses may be a typo of one that is"),

  "episodes.missing": error("meta/episodes/ has parquet files", "the episodes metadata is gone; the dataset cannot be indexed without it"),
  "episodes.unreadable": error("meta/episodes files can be read", "restore the file from the recording machine"),
  "episodes.no_footer": error("meta/episodes files were closed", "the recording crashed before the episodes metadata was flushed; the last episodes are lost unless rebuilt from data"),
  "episodes.columns": error("episodes files have LeRobot's columns", "episode_index, tasks, length, data/chunk_index, data/file_index, dataset_from_index, dataset_to_index (+ videos/<key>/... per camera)"),
  "episodes.order": error("episode_index is 0..n-1 in row order", "LeRobot indexes episodes by position; renumber or reorder the rows"),
  "episodes.contiguous": error("dataset_from_index / dataset_to_index are contiguous", "each episode must start where the previous one ended, the first at 0"),
  "episodes.length": error("length = dataset_to_index - dataset_from_index > 0", "fix the length or the index range of the episode"),
  "episodes.tasks": error("every episode names at least one task", "set the episode's tasks from the task_index of its rows"),
  "episodes.meta_location": warning("meta/episodes/chunk_index and file_index point at the file that holds the row", "harmless for loading; LeRobot's dataset tools use these columns to find the row again"),

  "data.missing_file": error("data files named by the episodes exist", "copy the missing data file from the recording machine, or drop its episodes"),
  "data.unreadable": error("data files can be read", "the file is damaged; restore it or drop its episodes"),
  "data.no_footer": error("data files were closed", "a LeRobot recording crashed before finalize(); the episodes in this file are lost unless re-recorded"),
  "data.schema": error("data columns have the dtypes and shapes info.json declares", "the file was written with other features than info.json describes"),
  "data.video_column": error("video features are not data columns", "videos are stored as mp4 and mapped by the episodes metadata, never as parquet columns"),
  "data.extra_column": warning("every data column is a declared feature", "LeRobot ignores undeclared columns; declare them in info.json or drop them"),
  "data.nulls": error("feature columns have no nulls", "a null frame cannot be batched; re-record the episode"),
  "data.index": error("index is 0..N-1 across the files, in order", "rows were lost, duplicated or reordered; the global index must be contiguous"),
  "data.episode_rows": error("each episode's rows are where the metadata says", "dataset_from/to_index must name exactly the episode's rows in its data file"),
  "data.unreferenced_rows": error("every data row belongs to an episode in the metadata", "rows past the last episode come from a recording that crashed while saving; drop them"),
  "data.frame_index": error("frame_index is 0..length-1 in each episode", RERECORD),
  "data.timestamp": error("timestamp = frame_index / fps", "LeRobot seeks videos at from_timestamp + timestamp; shifted timestamps give wrong frames"),
  "data.timestamp_gap": error("no gaps in time between frames", `frames were dropped while recording; observations and video no longer line up; ${RERECORD}`),
  "data.timestamp_repeat": error("no repeated timestamps", `a frame was recorded twice; observations and video no longer line up; ${RERECORD}`),
  "data.non_finite": error("float columns hold no NaN or Inf", `a NaN reaches the loss and ruins training; ${RERECORD}`),
  "data.task_index": error("task_index of every row is in tasks.parquet", "fix the rows' task_index or add the task"),

  "videos.missing_file": error("video files named by the episodes exist", "copy the videos/ folder along with data/ and meta/ (the mp4s are often forgotten)"),
  "videos.unreadable": error("video files are mp4s that parse", "the file is empty or damaged; re-encode it from the source or drop its episodes"),
  "videos.codec": error("the mp4 codec is the one info.json declares", "set video.codec in info.json to the codec of the files"),
  "videos.size": error("the mp4 frame size is the one info.json declares", "set video.width/height (and shape) in info.json to the size of the files"),
  "videos.fps": error("the mp4 frame rate is the dataset fps", "re-encode the video at the dataset fps"),
  "videos.edit_list": error("the mp4's edit list shows every frame", "an edit list shorter than the media hides the last frames from ffmpeg and LeRobot's decoders; remux the file (ffmpeg -i in.mp4 -c copy out.mp4) or re-encode it"),
  "videos.frame_count": error("each episode has `length` frames in [from_timestamp, to_timestamp)", "the video lost or gained frames; the episode's frames and observations no longer line up"),
  "videos.duration": error("to_timestamp - from_timestamp = length / fps", "fix the episode's from/to timestamps in meta/episodes"),
  "videos.from_timestamp": error("a frame starts exactly at from_timestamp", "from_timestamp drifted off the frame grid; LeRobot's 1e-4 s tolerance will fail"),
  "videos.past_end": error("to_timestamp is inside the file", "the episode claims frames the mp4 does not have"),
  "videos.overlap": error("episodes in one file do not overlap", "two episodes share frames; their from/to timestamps are wrong"),
  "videos.gap": warning("episodes in one file leave no gaps", "frames between episodes belong to no episode (a discarded take?); harmless but wasted"),
  "videos.unreferenced_tail": warning("no frames after the last episode of a file", "frames past the last episode belong to no episode (a crash while saving?); harmless but wasted"),

  "stats.missing": error("meta/stats.json exists", "training normalises with these stats; recompute them (LeRobot: aggregate the episodes' stats)"),
  "stats.unreadable": error("meta/stats.json is valid JSON", "restore the file or recompute the stats"),
  "stats.feature_missing": error("every feature has stats", "recompute the stats; a policy cannot normalise a feature without them"),
  "stats.malformed": error("stats have min, max, mean, std, count as arrays", "recompute the stats"),
  "stats.non_finite": error("stats are finite numbers", "a NaN in stats turns every normalised value into NaN; recompute the stats"),
  "stats.shape": error("stats have the feature's shape", "vector features need one value per dimension, cameras (3, 1, 1)"),
  "stats.order": error("min <= q01 <= ... <= q99 <= max, min <= mean <= max, std >= 0", "the stats are inconsistent; recompute them"),
  "stats.image_range": error("camera stats are within [0, 1]", "image stats are of pixels scaled to [0, 1]; these were computed on 0..255 values"),
  "stats.count": error("stats count = total_frames", "the stats were computed on other frames than the dataset has; recompute them"),
  "stats.episode_missing": warning("every episode has its stats columns", "LeRobot's aggregation and editing tools need per-episode stats"),
  "stats.episode_mismatch": error("stats.json agrees with the aggregated episode stats", "stats.json is stale (edited episodes?); recompute it from the episodes' stats"),
  "stats.episode_data": error("each episode's stats agree with its data", "the episode stats were computed on other data; recompute them"),

  "files.unreferenced": warning("every file in the dataset is used", "nothing refers to this file; it may be left over from a crash or an edit"),
  "files.leftover_images": warning("no leftover frame images", "an images/ folder is left by a LeRobot recording that stopped before encoding; delete it once the videos are checked"),

  "quality.short_episode": warning("episodes are long enough for common action chunks", "ACT predicts 100-step chunks (SmolVLA and pi0 50); shorter episodes give few training windows"),
  "quality.static_joint": warning("every joint moves", "a joint that never moves in the whole dataset may be unplugged, uncalibrated or unused"),
  "quality.zero_variance": warning("no dimension is constant", "normalising a constant dimension divides by ~0; drop it or check the sensor"),
  "quality.action_jump": warning("no action jumps far outside the episode's motion", "a one-frame jump is usually a misread servo or a wrap-around; check the teleoperator"),
  "quality.clipping": warning("values are not stuck at their extremes", "a value held at its min/max is often clipped by calibration limits; recalibrate the joint"),

  "deep.decode_error": error("every frame decodes", "the video bitstream is damaged; re-encode it from the source"),
  "deep.timestamp": error("decoded frames are within tolerance_s of LeRobot's queries", "LeRobot will raise on these frames (tolerance 1e-4 s); re-encode the video with exact timestamps"),
  "deep.pix_fmt": error("the decoded pixel format is the one info.json declares", "set video.pix_fmt in info.json to the files' pixel format"),
} satisfies Record<string, CheckSpec>;

/** The id of a check in CHECKS, as findings report it in `check`. */
export type CheckId = keyof typeof CHECKS;

export function groupOf(id: CheckId): CheckGroup {
  return id.slice(0, id.indexOf(".")) as CheckGroup;
}

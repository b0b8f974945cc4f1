/**
 * lerobot-ts: the public library API, listed name by name.
 *
 * What a user needs: reading, writing, verifying, inspecting, editing and pushing/pulling LeRobot
 * v3.0 datasets, the hardware process objects, and arms, cameras and the simulator for driving
 * hardware directly. Layer indexes may export more for the CLI; only what is named here is public
 * (test/repo/public-api.test.ts keeps every name documented and the internals out).
 */

// Errors shared by the dataset layer.
export { DatasetError, FrameValidationError, VideoError } from "./errors.js";

// Reading. The Hub-aware openDataset (fetches a repo id the local cache lacks) takes the place of dataset/'s.
export { openDataset } from "./hub/index.js";
export type { OpenHubDatasetOptions, EnsureLocalOptions } from "./hub/index.js";
export type { DatasetPlaceOptions } from "./remote/index.js";
export { LeRobotDataset } from "./dataset/index.js";
export type { OpenDatasetOptions, EpisodeInfo, EpisodeCameraFile, DecodedFrame } from "./dataset/index.js";
export type { DatasetInfo, Feature, VideoInfo, EpisodeRecord, EpisodeVideoLocation, ColumnValues, TypedArray } from "./dataset/index.js";
export type { DatasetStats, FeatureStats, StatValue } from "./dataset/index.js";
export { CODEBASE_VERSION, lerobotHome, resolveDatasetRoot } from "./dataset/index.js";

// Writing.
export { DatasetWriter, ThreadedDatasetWriter, writeSyntheticDataset } from "./dataset/index.js";
export type {
  DatasetWriterOptions, VideoEncoderSettings, CodecOptionValue, ResumeOptions, SavedEpisode, FeatureSpec, Frame, FrameValue, SyntheticDatasetOptions,
} from "./dataset/index.js";

// Verifying (lerobot-ts verify).
export { verifyDataset, NoDatasetError, CHECKS, CHECK_GROUPS, formatVerifyReport } from "./verify/index.js";
export { verifyReportSchema, verifyReportJsonSchema, VERIFY_REPORT_SCHEMA_ID } from "./verify/index.js";
export type {
  VerifyDatasetOptions, VerifyOptions, VerifyProgress, CheckId, CheckGroup, CheckSpec, Severity,
  VerifyReport, VerifyFinding, VerifyGroupResult,
} from "./verify/index.js";

// Inspecting (lerobot-ts inspect).
export { inspectDataset, inspectParquetFile, formatInspectReport, InspectOptionError } from "./inspect/index.js";
export { inspectReportSchema, INSPECT_SCHEMA_ID } from "./inspect/index.js";
export type {
  InspectDatasetOptions, InspectParquetOptions, RowRange, FormatOptions,
  InspectReport, ParquetReport, DatasetReport, ColumnStats, DimensionStats, EpisodeBreakdown, CameraReport, FileGroup,
} from "./inspect/index.js";

// Editing (lerobot-ts edit, convert, repair).
export {
  EditError, deleteEpisodes, splitDataset, splitEpisodeLists, mergeDatasets, removeFeatures, modifyTasks, recomputeStats,
  reencodeVideos, convertImageToVideo, copyEpisodes, convertToV30, ConvertError,
  repairDataset, DatasetBusyError, formatRepairReport,
} from "./edit/index.js";
export {
  editReportSchema, convertReportSchema, repairReportSchema, EDIT_REPORT_SCHEMA_ID, CONVERT_REPORT_SCHEMA_ID, REPAIR_REPORT_SCHEMA_ID,
} from "./edit/index.js";
export type {
  TaskChanges, ReencodeResult, CopyEpisodesOptions, CopyProgress, CopyResult, EpisodeSource, VideoPlan, VideoTarget,
  ConvertOptions, ConvertProgress, ConvertResult, RepairOptions, RepairReport, RepairChange, RepairUnfixed, RepairProgress, RepairPhase,
  EditReport, ConvertReport,
} from "./edit/index.js";

// The Hugging Face Hub.
export { pushDataset, pullDataset, HubError, PushError } from "./hub/index.js";
export type { PushOptions, PushProgress, PushResult, PullOptions, PullProgress, PullResult, EpisodeSelection } from "./hub/index.js";

// Viewing (lerobot-ts view).
export { startViewServer } from "./view/index.js";
export type { ViewServer, ViewServerOptions } from "./view/index.js";

// Hardware processes: the contract in processes/process.ts, and the verbs.
export { STOPPED, isStopped } from "./processes/index.js";
export type { HardwareProcess, LatenessSummary, ProcessState, Stopped } from "./processes/index.js";
export { record, recordFeatures } from "./processes/index.js";
export type {
  RecordConfig, RecordProcess, RecordSink, RecordState, RecordTick, RecordResult, RecordPhase, RecordDatasetConfig, EpisodeTiming,
} from "./processes/index.js";
export { teleoperate } from "./processes/index.js";
export type { TeleoperateConfig, TeleoperationState, TeleoperationTick, TeleoperationResult, TeleoperationPhase } from "./processes/index.js";
export { calibrate, CalibrationError } from "./processes/index.js";
export type { CalibrateConfig, CalibrationState, CalibrationResult, BimanualCalibrationResult, CalibrationPrompt, CalibrationPhase, RangeRow } from "./processes/index.js";
export { replay, episodeActions, ReplayError } from "./processes/index.js";
export type { ReplayConfig, ReplayState, ReplayPhase, ReplayStep, ReplayResult, EpisodeActions, JointUnits } from "./processes/index.js";
export { calibrateTest, CalibrationTestError } from "./processes/index.js";
export type { CalibrateTestConfig, CalibrationTestResult, CalibrationTestState, EpisodeReport, JointError } from "./processes/index.js";
export { findPort, FindPortError } from "./processes/index.js";
export type { FindPortConfig, FindPortProcess, FindPortResult, FindPortState } from "./processes/index.js";
export { findCameras } from "./processes/index.js";
export type { FindCamerasOptions, FoundCamera } from "./processes/index.js";

// Arms, for driving hardware directly.
export { connectArm, SOArm, BimanualArm, CalibrationMissingError, MotorCheckError, UnknownArmTypeError, SO_MOTORS } from "./hardware/index.js";
// A bimanual recording through the library needs its joint names and LeRobot's camera names.
export { armPositionNames, bimanualCameras } from "./hardware/index.js";
export type {
  Arm, ArmConfig, ArmConnectOptions, SOArmConfig, ConnectArmOptions, BimanualArmConfig, BimanualConnectOptions, SOArmSideConfig, BimanualSide,
  ArmType, ArmRole, ArmLinkOptions,
} from "./hardware/index.js";
export { CalibrationFileError, calibrationPath, readCalibrationFile, writeCalibrationFile, normalizePosition, unnormalizePosition } from "./hardware/index.js";
export type { ArmCalibration, MotorCalibration, DeviceKind, NormMode } from "./hardware/index.js";

// The bus and its transports.
export { FeetechBus, MotorError, MotorTimeoutError, MotorChecksumError, MotorStatusError, CONTROL_TABLE, STS3215_MODEL_NUMBER } from "./hardware/index.js";
export type { FeetechBusOptions, SyncReadResult, Register, RegisterName } from "./hardware/index.js";
export { SerialTransport, TransportError, listPorts } from "./hardware/index.js";
export type { Transport, SerialOpenOptions, ListPortsOptions, PortInfo } from "./hardware/index.js";

// The simulator: six STS3215 servos speaking the protocol, and a scripted hand.
export { SIM_PORT, openSimulatedArm, bridgeToSerial, SimulatedChain, SimulatedServo, SimulatedHand, SO101_JOINTS } from "./hardware/index.js";
export type {
  SimulatedArm, SimulatedChainOptions, ChainFaults, JointSpec, JointDriver, SimulatedJoint, SimulatedServoOptions, MechanicalRange,
  HandMode, HandProgress, SerialBridge,
} from "./hardware/index.js";

// Cameras.
export { openCamera, listCameras, FfmpegCamera, SyntheticCamera, CameraError } from "./hardware/index.js";
export type { Camera, CameraConfig, CameraFrame, FfmpegCameraOptions, SyntheticCameraOptions, CameraDevice, CameraFormat } from "./hardware/index.js";

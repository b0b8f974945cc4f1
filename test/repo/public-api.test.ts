/**
 * The public API (src/index.ts) is what a user needs, each name with its contract on the
 * declaration: read with the TypeScript compiler, as a user's editor would show it.
 */
import path from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";

const INDEX = path.join(import.meta.dirname, "..", "..", "src", "index.ts");

// Internals a user never needs; each was public once through `export *`.
const INTERNALS = [
  // feetech packets: FeetechBus speaks the protocol
  "PacketParser", "buildPacket", "buildStatusPacket", "Instruction", "Packet",
  // camera probing and frame stamps
  "parseV4l2Formats", "parseDshowDevices", "parseAvfoundationDevices", "stampCounter", "readCounter", "deviceInputArgs",
  "validateCameraConfig", "parseCamerasJson", "CAMERA_TYPES",
  // inspect's zod sub-schemas: inspectReportSchema is the published one
  "parquetReportSchema", "datasetReportSchema", "columnStatsSchema", "dimensionStatsSchema", "episodeBreakdownSchema",
  "cameraReportSchema", "fileGroupSchema", "statNumberSchema", "fieldReportSchema", "rowGroupReportSchema",
  "columnChunkReportSchema", "featureReportSchema", "mp4ProbeSchema", "cameraFileSchema", "fileEntrySchema", "episodeRowSchema",
  // verify's sub-schemas: verifyReportSchema is the published one
  "findingSchema", "groupResultSchema",
  // dataset plumbing
  "readParquet", "readParquetMetadata", "decodeArrowSchema", "computeNumericStats", "aggregateStats", "ImageStatsAccumulator",
  "parseStats", "parseInfo", "columnValues", "probeMp4", "findFfmpeg", "computeColumnStats",
  // Hub plumbing and CLI helpers
  "datasetCard", "chooseRevision", "ensureLocalDataset", "hubConfig", "loginHint", "isRepoId", "tokenFilePath", "hubEndpoint",
  "DEFAULT_HUB_ENDPOINT",
  // process and arm internals
  "PacedClock", "UNPLUG_PROMPT", "detectUnits", "checkActionsFit", "openArmLink", "isSimulatedPort",
  "armType", "checkArmType", "isBimanualType", "isBimanualConfig", "lerobotRobotName", "sameRobotType",
  "calibrationRoot", "MAX_SPEED", "mergeDifference",
];

interface PublicExport { name: string; documented: boolean; where: string }

let exports: PublicExport[] = [];

beforeAll(() => {
  const program = ts.createProgram([INDEX], {
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
    strict: true, noEmit: true, skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(INDEX)!)!;
  exports = checker.getExportsOfModule(moduleSymbol).map((exported) => {
    // Follow the re-export chain to the declaration a user's editor shows.
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const documented = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() !== "";
    const file = symbol.declarations?.[0]?.getSourceFile().fileName ?? "?";
    return { name: exported.name, documented, where: path.relative(path.dirname(path.dirname(INDEX)), file) };
  });
});

describe("public API", () => {
  it("has a doc comment on every export", () => {
    expect(exports.length).toBeGreaterThan(100);
    const missing = exports.filter((e) => !e.documented).map((e) => `${e.name} (${e.where})`);
    expect(missing).toEqual([]);
  });

  it("keeps internals out", () => {
    const names = new Set(exports.map((e) => e.name));
    expect(INTERNALS.filter((name) => names.has(name))).toEqual([]);
  });

  it("keeps what the README shows", () => {
    const names = new Set(exports.map((e) => e.name));
    const documented = [
      "DatasetWriter", "ThreadedDatasetWriter", "openDataset", "verifyDataset", "verifyReportSchema", "DatasetError",
      "FrameValidationError", "VideoError", "deleteEpisodes", "splitDataset", "splitEpisodeLists", "mergeDatasets",
      "removeFeatures", "modifyTasks", "recomputeStats", "reencodeVideos", "convertImageToVideo", "convertToV30", "repairDataset",
      "copyEpisodes", "openCamera", "record", "recordFeatures", "teleoperate", "calibrate", "findPort", "replay", "calibrateTest",
      "pushDataset",
    ];
    expect(documented.filter((name) => !names.has(name))).toEqual([]);
  });
});

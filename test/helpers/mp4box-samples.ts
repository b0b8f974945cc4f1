/**
 * An mp4's video samples as mp4box (an independent reader) sees them: where each lies, its size,
 * duration and sync flag, and its bytes; for checking the boxes and sample tables our mp4 code writes.
 */
import fs from "node:fs";
import { MP4BoxBuffer, createFile } from "mp4box";
import type { Movie, Sample } from "mp4box";

export interface Mp4boxView {
  movie: Movie;
  samples: Sample[];
  /** The bytes of sample i, read from the file where mp4box says it is. */
  sampleBytes(i: number): Buffer;
}

/** Parses the whole file with mp4box; throws when mp4box cannot read it or it has no video track. */
export function mp4boxSamples(file: string): Mp4boxView {
  const bytes = fs.readFileSync(file);
  const iso = createFile();
  let movie: Movie | undefined;
  let failure: string | undefined;
  iso.onReady = (m) => { movie = m; };
  iso.onError = (module, message) => { failure = `${module}: ${message}`; };
  iso.appendBuffer(MP4BoxBuffer.fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), 0), true);
  iso.flush();
  if (!movie) throw new Error(`mp4box could not parse ${file}${failure ? `: ${failure}` : ""}`);
  const track = movie.videoTracks[0];
  if (!track) throw new Error(`${file} has no video track`);
  const samples = iso.getTrackSamplesInfo(track.id);
  return {
    movie,
    samples,
    sampleBytes: (i) => {
      const s = samples[i]!;
      if (s.offset + s.size > bytes.length) throw new Error(`${file}: sample ${i} lies past the end of the file`);
      return bytes.subarray(s.offset, s.offset + s.size);
    },
  };
}

// The recordings store (REP-5): which sessions were recorded, where the raw file and its video are.

export interface RecordingRecord {
  lsid: string;
  /** File names inside the data directory's recordings folder (never a path from outside). */
  file: string;
  startedAt: string;
  endedAt: string | null;
  bytes: number;
  durationMs: number;
  videoFile: string | null;
  videoBytes: number;
  deletedAt: string | null;
  deletedBy: string | null;
  deletedReason: string | null;
}

export interface RecordingsStore {
  insertRecording(r: { lsid: string; file: string; startedAt: string }): Promise<void>;
  getRecording(lsid: string): Promise<RecordingRecord | undefined>;
  /** Lsids of recordings not deleted (the reports list says which sessions have one). */
  listRecordedLsids(): Promise<string[]>;
  finishRecording(lsid: string, p: { endedAt: string; bytes: number; durationMs: number }): Promise<void>;
  setRecordingVideo(lsid: string, videoFile: string | null, videoBytes: number): Promise<void>;
  markRecordingDeleted(lsid: string, p: { at: string; by: string; reason: string }): Promise<void>;
  /** Recordings not deleted that started before `before` (retention). */
  listRecordingsStartedBefore(before: string): Promise<RecordingRecord[]>;
  /** Bytes on disk of recordings not deleted (raw + video). */
  recordingsDiskUse(): Promise<{ count: number; rawBytes: number; videoBytes: number }>;
}

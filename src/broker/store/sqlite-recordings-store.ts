// SQLite statements of the recordings store (see recordings-store.ts), composed into the SQLite store.
import type Database from 'better-sqlite3';
import type { RecordingRecord, RecordingsStore } from './recordings-store.ts';

const columns = `lsid, file, started_at AS startedAt, ended_at AS endedAt, bytes, duration_ms AS durationMs,
  video_file AS videoFile, video_bytes AS videoBytes, deleted_at AS deletedAt, deleted_by AS deletedBy, deleted_reason AS deletedReason`;

export function sqliteRecordingsStore(db: Database.Database): RecordingsStore {
  const q = {
    insert: db.prepare<[string, string, string]>('INSERT INTO recordings (lsid, file, started_at) VALUES (?, ?, ?)'),
    get: db.prepare<[string], RecordingRecord>(`SELECT ${columns} FROM recordings WHERE lsid = ?`),
    live: db.prepare<[], { lsid: string }>('SELECT lsid FROM recordings WHERE deleted_at IS NULL'),
    finish: db.prepare<[string, number, number, string]>('UPDATE recordings SET ended_at = ?, bytes = ?, duration_ms = ? WHERE lsid = ?'),
    video: db.prepare<[string | null, number, string]>('UPDATE recordings SET video_file = ?, video_bytes = ? WHERE lsid = ?'),
    del: db.prepare<[string, string, string, string]>(
      'UPDATE recordings SET deleted_at = ?, deleted_by = ?, deleted_reason = ?, video_file = NULL, video_bytes = 0 WHERE lsid = ? AND deleted_at IS NULL',
    ),
    before: db.prepare<[string], RecordingRecord>(`SELECT ${columns} FROM recordings WHERE deleted_at IS NULL AND started_at < ? ORDER BY started_at`),
    disk: db.prepare<[], { count: number; rawBytes: number | null; videoBytes: number | null }>(
      'SELECT COUNT(*) AS count, SUM(bytes) AS rawBytes, SUM(video_bytes) AS videoBytes FROM recordings WHERE deleted_at IS NULL',
    ),
  };
  return {
    async insertRecording(r) {
      q.insert.run(r.lsid, r.file, r.startedAt);
    },
    async getRecording(lsid) {
      return q.get.get(lsid);
    },
    async listRecordedLsids() {
      return q.live.all().map((r) => r.lsid);
    },
    async finishRecording(lsid, p) {
      q.finish.run(p.endedAt, p.bytes, p.durationMs, lsid);
    },
    async setRecordingVideo(lsid, videoFile, videoBytes) {
      q.video.run(videoFile, videoBytes, lsid);
    },
    async markRecordingDeleted(lsid, p) {
      q.del.run(p.at, p.by, p.reason, lsid);
    },
    async listRecordingsStartedBefore(before) {
      return q.before.all(before);
    },
    async recordingsDiskUse() {
      const r = q.disk.get()!;
      return { count: r.count, rawBytes: r.rawBytes ?? 0, videoBytes: r.videoBytes ?? 0 };
    },
  };
}

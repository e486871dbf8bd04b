// bench:reports (issue 10): fills a store with 1,000,000 support sessions and 20,000,000 events
// (one transaction, prepared statements, the migrations' indexes and trigger in place), then
// measures through the ReportsService what the Reports tab and the API run: the list for each
// REP-2 filter kind (p50/p95 over repeated queries with varied values), one session's detail,
// the CSV export of 100,000 rows, and the conversion of a 1080p recording to MP4 (× real time,
// MB per minute). Prints a final JSON line. Sizes: BENCH_SESSIONS, BENCH_EVENTS_PER_SESSION,
// BENCH_QUERIES, BENCH_RECORDING_SECONDS.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { createScreenEncoder } from '../src/codec/index.ts';
import { SessionReportQuery } from '../src/protocol/reports.ts';
import { encodeScreenMessage } from '../src/protocol/screen.ts';
import { convertRecording } from '../src/broker/recordings/convert.ts';
import { RecordingWriter } from '../src/broker/recordings/recording-writer.ts';
import { RecordingTee } from '../src/broker/recordings/recording-tee.ts';
import { FrameFlag, encodeData, readHeader } from '../src/protocol/channels.ts';
import { ReportsService } from '../src/broker/services/reports/reports.ts';
import { SiteService } from '../src/broker/services/site.ts';
import { openSqliteStore } from '../src/broker/store/sqlite-store.ts';
import type { UserRecord } from '../src/broker/store/store.ts';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 1_000_000);
const EVENTS_PER = Number(process.env.BENCH_EVENTS_PER_SESSION ?? 20);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 40);
const REC_SECONDS = Number(process.env.BENCH_RECORDING_SECONDS ?? 20);
const REPS = 50;
const DAY = 86_400_000;
const START = Date.parse('2025-01-01T00:00:00Z');
const SPAN_DAYS = 365;

const dir = mkdtempSync(join(tmpdir(), 'bench-reports-'));
const file = join(dir, 'passerelle.db');
const log = pino({ level: 'silent' });
const lsidOf = (i: number) => `L${i.toString(36).padStart(10, '0')}`;
const customerOf = (i: number) => `Client ${String(i % 50_000).padStart(5, '0')}`;
const computerOf = (i: number) => `PC-${String(i % 80_000).padStart(5, '0')}`;
const publicIpOf = (i: number) => `203.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const privateIpOf = (i: number) => `10.${(i * 7) % 256}.${(i >> 8) % 256}.${i % 251}`;
const repOf = (i: number) => (i % 10 < 7 ? (i % REPS) + 2 : null); // 70 % of sessions had a rep

function fill(): { fillSeconds: number } {
  openSqliteStore(file, log).close(); // the schema, its indexes and trigger
  const db = new Database(file);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const t0 = performance.now();
  const sess = db.prepare(`INSERT INTO support_sessions (lsid, method, queue_kind, queue_user_id, key_user_id, state, owner_user_id, client_kind,
    customer_name, computer_name, os, private_ip, public_ip, user_name, created_at, accepted_at, ended_at, end_reason)
    VALUES (?, 'key', 'general', NULL, NULL, 'ended', ?, 'client', ?, ?, 'Linux', ?, ?, 'user', ?, ?, ?, ?)`);
  const ev = db.prepare('INSERT INTO session_events (lsid, seq, at, kind, actor_kind, actor_user_id, actor_name, actor_ip, sender_cid, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)');
  db.transaction(() => {
    // Reps are ids only (session_reps, filled by the trigger): the filter needs no account rows.
    for (let i = 0; i < SESSIONS; i++) {
      const lsid = lsidOf(i);
      const start = START + Math.floor((i / SESSIONS) * SPAN_DAYS * DAY);
      const at = (ms: number) => new Date(start + ms).toISOString();
      const rep = repOf(i);
      sess.run(lsid, rep, customerOf(i), computerOf(i), privateIpOf(i), publicIpOf(i), at(0), rep ? at(30_000) : null, at(600_000), rep ? 'ended_by_rep' : 'abandoned');
      let seq = 0;
      const e = (kind: string, actorKind: string, actorId: number | null, name: string, body: string, ms: number) => ev.run(lsid, ++seq, at(ms), kind, actorKind, actorId, name, '198.51.100.1', body);
      e('session_started', 'customer', null, customerOf(i), '{"kind":"session_started","method":"key","queue":{"kind":"general"},"clientKind":"client"}', 0);
      if (rep) e('rep_joined', 'rep', rep, `Rep ${rep}`, `{"kind":"rep_joined","userId":${rep},"name":"Rep ${rep}"}`, 30_000);
      while (seq < EVENTS_PER - 1) {
        const k = seq;
        e('chat', k % 2 ? 'customer' : 'rep', k % 2 ? null : rep, k % 2 ? customerOf(i) : `Rep ${rep ?? 0}`, `{"kind":"chat","text":"Ligne ${k} de la conversation, avec un peu de texte"}`, 30_000 + k * 10_000);
      }
      e('session_ended', 'system', null, 'Passerelle', '{"kind":"session_ended","reason":"ended_by_rep"}', 600_000);
    }
  })();
  db.close();
  return { fillSeconds: (performance.now() - t0) / 1000 };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Number(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!.toFixed(2));
};

async function queries(reports: ReportsService, reader: { user: UserRecord; address: string }) {
  const day = (i: number) => new Date(START + Math.floor((i / SESSIONS) * SPAN_DAYS * DAY)).toISOString().slice(0, 10);
  const pick = (q: number) => Math.floor(((q * 7919) % 1000) / 1000 * SESSIONS);
  const kinds: Record<string, (q: number) => Record<string, string>> = {
    lsid: (q) => ({ lsid: lsidOf(pick(q)) }),
    seq: (q) => ({ seq: String(pick(q) + 1) }),
    period_days: (q) => ({ from: day(pick(q)), days: '7' }),
    period_end_date: (q) => ({ from: day(pick(q)), to: day(Math.min(SESSIONS - 1, pick(q) + SESSIONS / 50)) }),
    customer_name: (q) => ({ customerName: customerOf(pick(q)) }),
    computer_name: (q) => ({ computerName: computerOf(pick(q)).slice(0, 6) }),
    public_ip: (q) => ({ publicIp: publicIpOf(pick(q)) }),
    private_ip: (q) => ({ privateIp: privateIpOf(pick(q)).split('.').slice(0, 2).join('.') }),
    rep_any: () => ({ rep: 'any' }),
    rep_none: () => ({ rep: 'none' }),
    rep_given: (q) => ({ rep: String((q % REPS) + 2) }),
    combined: (q) => ({ from: day(pick(q)), days: '30', customerName: 'Client 1', rep: 'any' }),
  };
  const list: Record<string, { p50: number; p95: number }> = {};
  for (const [kind, make] of Object.entries(kinds)) {
    const times: number[] = [];
    for (let q = 0; q < QUERIES; q++) {
      const query = SessionReportQuery.parse({ ...make(q), ...(q % 2 ? { sort: 'customer' } : {}) });
      const t = performance.now();
      await reports.list(reader, query);
      times.push(performance.now() - t);
    }
    list[kind] = { p50: pct(times, 50), p95: pct(times, 95) };
  }
  const detail: number[] = [];
  for (let q = 0; q < QUERIES; q++) {
    const t = performance.now();
    await reports.detail(reader, lsidOf(pick(q)));
    detail.push(performance.now() - t);
  }
  // 100,000 rows: the sessions of the first tenth of the year (SESSIONS / 10 rows).
  const rows = Math.min(100_000, SESSIONS);
  const to = day(Math.floor(rows * 1) - 1);
  const t = performance.now();
  const { lines } = await reports.csv(reader, SessionReportQuery.parse({ from: day(0), to }));
  let n = -1;
  let bytes = 0;
  for await (const chunk of lines) {
    bytes += chunk.length;
    for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) n++;
  }
  const csvSeconds = (performance.now() - t) / 1000;
  return { list, detail: { p50: pct(detail, 50), p95: pct(detail, 95) }, csv: { rows: n, seconds: Number(csvSeconds.toFixed(2)), rowsPerSecond: Math.round(n / csvSeconds), megabytes: Number((bytes / 1e6).toFixed(1)) } };
}

/** A 1080p recording: a scrolling text-like screen at 10 frames a second, H.264 as the agent sends it. */
async function recording() {
  const raw = join(dir, 'bench.prec');
  let clock = Date.now();
  const w = await RecordingWriter.create({ file: raw, lsid: 'benchrecording', now: () => clock });
  const W = 1920;
  const H = 1080;
  const enc = createScreenEncoder('h264', { quality: 'balanced', width: W, height: H });
  w.channelOpened(1, 'screen', { monitor: 0, codec: 'h264' });
  const frame = Buffer.alloc(W * H * 4, 0xf0);
  const fps = 10;
  for (let i = 0; i < REC_SECONDS * fps; i++) {
    // Lines of "text" scrolling up by 16 px a frame.
    for (let y = 0; y < H; y += 2) {
      const on = ((y + i * 16) >> 4) % 3 === 0;
      const row = y * W * 4;
      frame.fill(on ? 0x20 : 0xf0, row, row + Math.floor(W * 0.7) * 4);
    }
    const f = await enc.encode({ width: W, height: H, data: frame, captureTime: clock }, { key: i % 50 === 0 });
    if (f) w.message(1, 'screen', encodeScreenMessage(f), { key: f.key });
    clock += 1000 / fps;
  }
  enc.close();
  await w.close('ended');
  const out = join(dir, 'bench.mp4');
  const t = performance.now();
  const r = await convertRecording(raw, out, { fps: 10 });
  const seconds = (performance.now() - t) / 1000;
  const minutes = r.durationMs / 60_000;
  return {
    seconds: REC_SECONDS,
    width: W,
    height: H,
    rawMBPerMinute: Number((statSync(raw).size / 1e6 / minutes).toFixed(2)),
    conversionSeconds: Number(seconds.toFixed(2)),
    timesRealTime: Number((r.durationMs / 1000 / seconds).toFixed(2)),
    videoMBPerMinute: Number((statSync(out).size / 1e6 / minutes).toFixed(2)),
  };
}

/**
 * What the recording tee costs the live stream: the synchronous time the router's tap takes per
 * screen frame (the disk write happens later, off the relay path), for 64 KiB frames, against
 * the frames' own relay (a Buffer handed to a socket is not measured here).
 */
async function teeCost() {
  const w = await RecordingWriter.create({ file: join(dir, 'tee.prec'), lsid: 'benchtee' });
  const tee = new RecordingTee(w, () => 'Rep');
  const payload = new Uint8Array(64 * 1024).fill(7);
  const frames = Array.from({ length: 2000 }, (_, i) => encodeData(1, i + 1, 0, i % 100 === 0 ? FrameFlag.key : 0, payload));
  const ch = { channelId: 1, kind: 'screen' as const, meta: {}, fromCustomer: true, userId: 2 };
  const t = performance.now();
  for (const f of frames) tee.tap(ch, readHeader(f), f);
  const perFrameUs = ((performance.now() - t) * 1000) / frames.length;
  await w.close('ended');
  return { frameBytes: payload.length, frames: frames.length, tapMicrosecondsPerFrame: Number(perFrameUs.toFixed(1)) };
}

async function main() {
  const { fillSeconds } = fill();
  const store = openSqliteStore(file, log);
  const site = new SiteService(store, { namedUsers: 50, jumpClients: 0 }, () => 'localhost');
  const clock = { now: () => new Date() };
  const reports = new ReportsService(store, site, clock, log);
  const admin = { id: 1, username: 'admin', displayName: 'Admin', permissions: { administrator: true, viewReports: true } } as unknown as UserRecord;
  const events = (new Database(file, { readonly: true }).prepare('SELECT COUNT(*) AS n FROM session_events').get() as { n: number }).n;
  const q = await queries(reports, { user: admin, address: '127.0.0.1' });
  store.close();
  const tee = await teeCost();
  const rec = await recording();
  const targets = {
    listP95Ms: 100,
    detailMs: 50,
    conversionTimesRealTime: 4,
  };
  const worstListP95 = Math.max(...Object.values(q.list).map((x) => x.p95));
  const result = {
    bench: 'reports',
    sessions: SESSIONS,
    events,
    fillSeconds: Number(fillSeconds.toFixed(1)),
    fillRowsPerSecond: Math.round((SESSIONS + events) / fillSeconds),
    list: q.list,
    worstListP95Ms: worstListP95,
    detailMs: q.detail,
    csv: q.csv,
    recording: rec,
    recordingTee: tee,
    targets,
    met: { list: worstListP95 <= targets.listP95Ms, detail: q.detail.p95 <= targets.detailMs, conversion: rec.timesRealTime >= targets.conversionTimesRealTime },
  };
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify(result));
}

main().catch((err) => {
  rmSync(dir, { recursive: true, force: true });
  console.error(err);
  process.exit(1);
});

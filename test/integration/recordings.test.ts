// REP-5: session recordings through a real broker (TLS, SQLite, data directory): the site setting
// turns recording on for new sessions and the customer is told; the router's tap writes the
// screen stream (real H.264 from the codec library) and the rep's input with who held control;
// chat lines go in; replay data, conversion to MP4 (Debian ffmpeg, checked with ffprobe), byte
// ranges, deletion by an administrator only, retention, disk use; and the bad inputs: a
// truncated, a corrupt and a foreign file, a recording deleted while its video is being read.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent, fetch } from 'undici';
import { createScreenEncoder } from '../../src/codec/index.ts';
import { encodeScreenMessage } from '../../src/protocol/screen.ts';
import { adminClient, createRep, startTestBroker, type ApiClient, type TestBroker } from '../support/broker.ts';
import { customerSession, repCore, waitForQueue, type Core } from '../support/channels.ts';

const grantAll = { promptAttended: 'never', screenSharing: true, fileTransfer: true, annotations: true };

describe('REP-5: session recordings', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  let offset = 0;
  const clock = { now: () => new Date(Date.now() + offset) };
  const cleanups: (() => Promise<void> | void)[] = [];
  let rep: { id: number; api: ApiClient; core: Core; name: string };
  let lsid = '';

  before(async () => {
    broker = await startTestBroker({ clock });
    admin = await adminClient(broker);
    const r = await createRep(admin, { permissions: { ...grantAll, viewReports: true } });
    const c = await repCore(broker, r.username, r.password);
    cleanups.push(() => c.close(), () => r.api.close());
    rep = { id: r.id, api: r.api, core: c.core, name: `Rep ${r.username}` };
  });
  after(async () => {
    for (const c of cleanups.reverse()) await c();
    await admin.close();
    await broker.stop();
  });

  async function startSession() {
    const cust = customerSession(broker.url, broker.fingerprint, rep.id);
    const welcome = new Promise<{ lsid: string; recorded?: boolean }>((resolve) => cust.session.once('welcome', resolve));
    cleanups.push(() => {
      if (!cust.session.ended) cust.session.send({ type: 'end' });
    });
    const id = await cust.welcomed;
    await waitForQueue(rep.core, (q) => q.some((s) => s.lsid === id), 'the session in the queue');
    await rep.core.sessions.accept(id);
    for (const p of ['screen_view', 'screen_control'] as const) await rep.core.sessions.requestPermission(id, p);
    await waitForQueue(rep.core, (q) => (q.find((s) => s.lsid === id)?.grants.length ?? 0) >= 2, 'grants');
    return { ...cust, lsid: id, welcome: await welcome };
  }

  it('REP-5: recording is off by default; a session started then is not recorded', async () => {
    const status = await admin.get('/api/v1/site/status');
    assert.equal(status.body.settings.recordSessions, false);
    assert.equal(status.body.settings.recordingRetentionDays, 0);
    const s = await startSession();
    assert.notEqual(s.welcome.recorded, true, 'the customer is not told of a recording');
    s.session.send({ type: 'end' });
    const r = await admin.get(`/api/v1/reports/sessions/${s.lsid}/recording`);
    assert.equal(r.status, 404);
    assert.equal(r.body.error.code, 'recording_not_found');
  });

  it('REP-5: with the setting on, a new session is recorded: screen, input with who had control, chat', async () => {
    const bad = await admin.patch('/api/v1/site/settings', { recordingRetentionDays: -3 });
    assert.equal(bad.status, 400, 'a negative retention is refused');
    const on = await admin.patch('/api/v1/site/settings', { recordSessions: true });
    assert.equal(on.status, 200);
    const s = await startSession();
    lsid = s.lsid;
    assert.equal(s.welcome.recorded, true, 'the customer is told the session is recorded');
    await rep.core.sessions.chat(lsid, 'Bonjour, je regarde votre écran');
    const view = await rep.core.channels.open(lsid, 'screen', { monitor: 0, codec: 'h264' });
    const producer = await s.nextChannel();
    let got = 0;
    view.onMessage(() => void got++);
    const enc = createScreenEncoder('h264', { quality: 'balanced', width: 320, height: 240 });
    const input = await rep.core.channels.open(lsid, 'input', {});
    const agentInput = await s.nextChannel();
    agentInput.onMessage(() => undefined);
    for (let i = 0; i < 20; i++) {
      const data = Buffer.alloc(320 * 240 * 4, i * 12);
      const f = await enc.encode({ width: 320, height: 240, data, captureTime: Date.now() }, { key: i === 0 });
      if (f) {
        await producer.whenWritable();
        producer.writeLatest(encodeScreenMessage(f), { key: f.key });
      }
      if (i === 5) await input.write(new TextEncoder().encode('{"t":"move","x":1,"y":2}'));
      if (i === 12) await input.close('done');
      offset += 100;
    }
    enc.close();
    await waitUntil(() => got >= 15, 'the viewer got the frames');
    await rep.core.sessions.end(lsid);
    await waitUntil(async () => (await admin.get(`/api/v1/reports/sessions/${lsid}/recording`)).body?.end === 'complete', 'the recording closed');
    const rec = await admin.get(`/api/v1/reports/sessions/${lsid}/recording`);
    assert.equal(rec.body.hasScreen, true);
    assert.ok(rec.body.durationMs >= 1900, `duration ${rec.body.durationMs} ms`);
    assert.deepEqual(rec.body.controlTrack.map((c: { holder: { userId: number } | null }) => c.holder?.userId ?? null), [rep.id, null], 'who held control, then nobody');
    assert.ok(rec.body.controlTrack[0].t < rec.body.controlTrack[1].t);
    assert.equal(rec.body.chat[0].text, 'Bonjour, je regarde votre écran');
    assert.equal(rec.body.chat[0].from.kind, 'rep');
    const rows = await admin.get(`/api/v1/reports/sessions?lsid=${lsid}`);
    assert.equal(rows.body.sessions[0].hasRecording, true, 'the report list links the recording');
  });

  it('REP-5: the recorder\'s key frame request reaches the customer\'s screen producer through the router; another session\'s channel is out of its reach', async () => {
    const s = await startSession();
    const view = await rep.core.channels.open(s.lsid, 'screen', { monitor: 0, codec: 'h264' });
    const producer = await s.nextChannel();
    let got = 0;
    view.onMessage(() => void got++);
    const enc = createScreenEncoder('h264', { quality: 'balanced', width: 320, height: 240 });
    const f = await enc.encode({ width: 320, height: 240, data: Buffer.alloc(320 * 240 * 4, 80), captureTime: Date.now() }, { key: true });
    enc.close();
    await producer.whenWritable();
    producer.writeLatest(encodeScreenMessage(f!), { key: true });
    // The viewer's own request (on joining) was answered: what comes next is the recorder's.
    await waitUntil(() => got >= 1, 'the viewer got the key frame');
    let asked = 0;
    producer.onKeyFrameRequest(() => void asked++);
    const router = broker.services.sessions.channels;
    assert.equal(router.requestKeyFrame('not-this-session', producer.id), false, 'a channel of another session is not reachable');
    assert.equal(router.requestKeyFrame(s.lsid, 65_000), false, 'no such channel');
    assert.equal(router.requestKeyFrame(s.lsid, producer.id), true);
    await waitUntil(() => asked >= 1, 'the KEYREQ at the customer');
    await rep.core.sessions.end(s.lsid);
  });

  it('REP-5: the recording converts once to an MP4 that ffprobe reads with the recording\'s duration; ranges seek', async () => {
    const first = await admin.post(`/api/v1/reports/sessions/${lsid}/recording/video`);
    assert.equal(first.status, 202);
    assert.ok(['converting', 'ready'].includes(first.body.state));
    const early = await admin.get(`/api/v1/reports/sessions/${lsid}/recording/video`);
    assert.ok([200, 409].includes(early.status));
    await (await broker.services.recordings.convert(lsid)).done;
    const again = await admin.post(`/api/v1/reports/sessions/${lsid}/recording/video`);
    assert.equal(again.body.state, 'ready', 'kept for the next time');
    const res = await fetchBytes(`/api/v1/reports/sessions/${lsid}/recording/video?download=1`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment/);
    const file = join(broker.dataDir, 'downloaded.mp4');
    writeFileSync(file, res.bytes);
    const seconds = Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]).toString().trim());
    const rec = (await admin.get(`/api/v1/reports/sessions/${lsid}/recording`)).body;
    assert.ok(Math.abs(seconds * 1000 - rec.durationMs) <= 150, `video ${seconds} s for a recording of ${rec.durationMs} ms`);
    const part = await fetchBytes(`/api/v1/reports/sessions/${lsid}/recording/video`, { range: 'bytes=10-19' });
    assert.equal(part.status, 206);
    assert.equal(part.bytes.length, 10);
    assert.deepEqual(part.bytes, res.bytes.subarray(10, 20));
    const outside = await fetchBytes(`/api/v1/reports/sessions/${lsid}/recording/video`, { range: `bytes=${res.bytes.length + 5}-` });
    assert.equal(outside.status, 400);
    const use = await admin.get('/api/v1/site/recordings');
    assert.equal(use.body.recordSessions, true);
    assert.ok(use.body.count >= 1 && use.body.rawBytes > 0 && use.body.videoBytes > 0, JSON.stringify(use.body));
  });

  it('REP-5 bad input: a truncated, a corrupt and a foreign recording file give clear answers, no crash', async () => {
    const raw = join(broker.dataDir, 'recordings', `${lsid}.prec`);
    const good = readFileSync(raw);
    try {
      truncateSync(raw, Math.floor(good.length * 0.6));
      const t = await admin.get(`/api/v1/reports/sessions/${lsid}/recording`);
      assert.equal(t.status, 200);
      assert.equal(t.body.end, 'truncated', 'a torn file: what is there is good');
      const c = Buffer.from(good);
      // A byte inside the last record's body: its checksum no longer matches.
      c.writeUInt8(c.readUInt8(c.length - 5) ^ 0xff, c.length - 5);
      writeFileSync(raw, c);
      const k = await admin.get(`/api/v1/reports/sessions/${lsid}/recording`);
      assert.equal(k.status, 200);
      assert.equal(k.body.end, 'corrupt');
      assert.match(k.body.problem, /checksum|bad record/);
      writeFileSync(raw, Buffer.from('<html>not a recording</html>'));
      const f = await admin.get(`/api/v1/reports/sessions/${lsid}/recording`);
      assert.equal(f.status, 422);
      assert.equal(f.body.error.code, 'recording_unreadable');
    } finally {
      writeFileSync(raw, good);
    }
    const ok = await admin.get(`/api/v1/reports/sessions/${lsid}/recording`);
    assert.equal(ok.body.end, 'complete');
    const badLsid = await admin.get('/api/v1/reports/sessions/..%2F..%2Fetc/recording');
    assert.ok([400, 404].includes(badLsid.status), 'no path from outside reaches the disk');
  });

  it('REP-5: deleting is for administrators, logged; a recording deleted while its video is read ends cleanly', async () => {
    const byRep = await rep.api.request('DELETE', `/api/v1/reports/sessions/${lsid}/recording`, {});
    assert.equal(byRep.status, 403, 'a rep with view-reports may not delete');
    // A reader is in the middle of the video when the administrator deletes it.
    const reading = await fetchStart(`/api/v1/reports/sessions/${lsid}/recording/video`);
    const del = await admin.request('DELETE', `/api/v1/reports/sessions/${lsid}/recording`, { reason: 'customer asked' });
    assert.equal(del.status, 204);
    const rest = await reading.rest();
    assert.ok(rest.length > 0, 'the transfer already started finishes from the open file');
    const gone = await admin.get(`/api/v1/reports/sessions/${lsid}/recording`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.code, 'recording_not_found');
    const video = await admin.get(`/api/v1/reports/sessions/${lsid}/recording/video`);
    assert.equal(video.status, 404);
    assert.throws(() => statSync(join(broker.dataDir, 'recordings', `${lsid}.prec`)), /ENOENT/);
    const twice = await admin.request('DELETE', `/api/v1/reports/sessions/${lsid}/recording`, {});
    assert.equal(twice.status, 404);
    const rows = await admin.get(`/api/v1/reports/sessions?lsid=${lsid}`);
    assert.equal(rows.body.sessions[0].hasRecording, false);
  });

  it('REP-5, issue 10 item 3: opening a recording, downloading its video and deleting it are in the report access log; refused ones are not', async () => {
    const log = (await admin.get('/api/v1/reports/access-log')).body.entries as { action: string; lsid: string | null; username: string; query: unknown; address: string }[];
    const mine = log.filter((e) => e.lsid === lsid && e.action.startsWith('recording_'));
    const actions = mine.map((e) => [e.action, e.username, e.query]);
    assert.deepEqual(actions[0], ['recording_delete', 'admin', { reason: 'customer asked' }], JSON.stringify(actions));
    assert.ok(actions.some(([a, u]) => a === 'recording_download' && u === 'admin'), 'the ?download=1 read is logged');
    assert.ok(actions.some(([a]) => a === 'recording_view'), 'opening the replay is logged');
    assert.equal(mine.filter((e) => e.action === 'recording_delete').length, 1, 'the refused deletions (a rep, a second time) are not logged');
    assert.equal(mine[0]!.address, '127.0.0.1');
  });

  it('REP-5: retention removes recordings older than the setting', async () => {
    const s = await startSession();
    s.session.send({ type: 'end' });
    await waitUntil(async () => (await admin.get(`/api/v1/reports/sessions/${s.lsid}/recording`)).body?.end === 'complete', 'closed');
    await admin.patch('/api/v1/site/settings', { recordingRetentionDays: 2 });
    assert.equal(await broker.services.recordings.applyRetention(), 0, 'a new recording stays');
    offset += 3 * 86_400_000;
    try {
      // This one and the key frame test's, the only others not deleted already.
      assert.equal(await broker.services.recordings.applyRetention(), 2);
    } finally {
      offset -= 3 * 86_400_000;
    }
    const gone = await admin.get(`/api/v1/reports/sessions/${s.lsid}/recording`);
    assert.equal(gone.status, 404);
    assert.equal((await broker.services.store.getRecording(s.lsid))?.deletedBy, 'retention');
    await admin.patch('/api/v1/site/settings', { recordSessions: false, recordingRetentionDays: 0 });
  });

  async function fetchBytes(path: string, headers: Record<string, string> = {}) {
    const res = await rawFetch(path, headers);
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  }

  async function fetchStart(path: string) {
    const res = await rawFetch(path, {});
    const reader = res.body!.getReader();
    const first = await reader.read();
    return {
      async rest() {
        const chunks = [Buffer.from(first.value ?? [])];
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          chunks.push(Buffer.from(value));
        }
        return Buffer.concat(chunks);
      },
    };
  }

  async function rawFetch(path: string, headers: Record<string, string>) {
    const dispatcher = new Agent({ connect: { ca: broker.certificate } });
    cleanups.push(() => dispatcher.close());
    return fetch(`${broker.url}${path}`, { headers: { ...headers, cookie: admin.cookie ?? '' }, dispatcher });
  }
});

async function waitUntil(pred: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

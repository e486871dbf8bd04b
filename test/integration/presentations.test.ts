// Presentations end to end on a real broker (real TLS sockets, real SQLite): CON-9 (present, fan
// out with a key frame on join and per-attendee flow control, chat, remove, pause, end, a
// presenter's dropped network), POR-2 (the portal's list), STA-6 (running presentations per rep),
// REP-6 (reports over REST), and bad input (wrong keys, floods of attendees and chat lines).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import type { PresenterClient } from '../../src/console-core/presentations/presenter-client.ts';
import { AttendeeError, type AttendeeClient } from '../../src/customer-core/attendee-client.ts';
import { adminClient, createRep, startTestBroker, type ApiClient, type TestBroker } from './../support/broker.ts';
import { attendee, frameNumber, playFrames, presenter, presenterToken } from '../support/presentations.ts';

const format = { codec: 'vp8', width: 640, height: 360 };

function until<T>(fn: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const tick = () => {
      const v = fn();
      if (v) return resolve(v);
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}

/** Collects an attendee's frames (numbers), decoding each at once. */
function watch(a: AttendeeClient): { frames: { n: number; key: boolean }[] } {
  const seen = { frames: [] as { n: number; key: boolean }[] };
  a.onFrame((m) => void seen.frames.push({ n: frameNumber(m.payload), key: m.key }));
  return seen;
}

describe('presentations', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  let rep: Awaited<ReturnType<typeof createRep>>;
  let token: string;
  const open: { dispose?: () => void; drop?: () => void }[] = [];

  before(async () => {
    broker = await startTestBroker({ presentations: { resumeGraceMs: 1500, maxAttendees: 5, joinsPerMinute: 1000, keyAttemptsPerMinute: 6 } });
    admin = await adminClient(broker);
    rep = await createRep(admin, { displayName: 'Alice Présente' });
    token = await presenterToken(broker, rep.username, rep.password);
  });
  after(async () => {
    for (const o of open) {
      if (o.dispose) o.dispose();
      else o.drop?.();
    }
    await broker.stop();
  });

  const newPresenter = (): PresenterClient => {
    const p = presenter(broker, token);
    open.push(p);
    return p;
  };
  const newAttendee = (): AttendeeClient => {
    const a = attendee(broker);
    open.push(a);
    return a;
  };

  it('CON-9: attendees join by key and from the list (POR-2), start at a key frame, chat both ways; the presenter sees them, removes one, pauses and ends; STA-6 counts it', async () => {
    const p = newPresenter();
    const info = await p.start({ name: 'Nouvelle version', listed: true, format, privateIp: '10.1.2.3' });
    assert.match(info.key, /^\d{3} \d{3} \d{3}$/);
    const player = playFrames(p, { gop: 1000 });


    const portal = await admin.get('/api/v1/portal/presentations');
    assert.equal(portal.status, 200);
    const listedEntry = portal.body.presentations.find((x: { presentationId: string }) => x.presentationId === info.presentationId);
    assert.equal(listedEntry?.name, 'Nouvelle version');
    assert.equal(listedEntry?.presenterName, 'Alice Présente');

    const a1 = newAttendee();
    const a2 = newAttendee();
    const j1 = await a1.join({ key: info.key }, 'Bob');
    const j2 = await a2.join({ presentationId: info.presentationId }, 'Chloé');
    assert.equal(j1.presentation.presenterName, 'Alice Présente');
    assert.deepEqual(j2.format, format);
    assert.match(j1.bannerUrl, /^\/api\/v1\/site-images\//);
    const w1 = watch(a1);
    const w2 = watch(a2);
    await until(() => w1.frames.length >= 3 && w2.frames.length >= 3, 'frames at both attendees');
    // A key frame on join: each attendee's first frame is one.
    assert.equal(w1.frames[0]!.key, true);
    assert.equal(w2.frames[0]!.key, true);
    await until(() => p.attendeeList.length === 2, 'the presenter sees two attendees');
    assert.deepEqual(p.attendeeList.map((x) => x.name).sort(), ['Bob', 'Chloé']);


    // Chat: an attendee's line reaches the presenter and the other attendee; the presenter's reaches both.
    const heard: string[] = [];
    p.events.on((e) => e.type === 'chat' && heard.push(`${e.line.from.name}: ${e.line.text}`));
    const a2heard: string[] = [];
    a2.events.on('chat', (l) => a2heard.push(`${l.from.name}: ${l.text}`));
    a1.chat('Bonjour !');
    await until(() => heard.includes('Bob: Bonjour !') && a2heard.includes('Bob: Bonjour !'), 'attendee chat');
    p.chat('Bienvenue');
    await until(() => a2heard.includes('Alice Présente: Bienvenue'), 'presenter chat');

    // Remove: the attendee is told and its socket closes; the presenter's list shrinks.
    const gone = new Promise<string>((r) => a1.events.on('gone', (g) => r(g.reason)));
    p.remove(j1.attendeeId);
    assert.equal(await gone, 'removed');
    await until(() => p.attendeeList.length === 1, 'one attendee left');
    // A removed attendee cannot come straight back under the same name.
    await assert.rejects(newAttendee().join({ key: info.key }, 'Bob'), (e: AttendeeError) => e.code === 'forbidden');

    // Pause: attendees are told, and no frame reaches them while paused.
    const states: string[] = [];
    a2.events.on('state', (s) => states.push(s));
    p.pause(true);
    await until(() => states.includes('paused'), 'paused state');
    const before = w2.frames.length;
    const sentAtPause = player.sent();
    await until(() => player.sent() > sentAtPause + 10, 'the presenter keeps sending');
    assert.equal(w2.frames.length, before, 'no frame while paused');
    p.pause(false);
    await until(() => w2.frames.length > before, 'frames again after resume');
    assert.equal(w2.frames[before]!.key, true, 'resumes at a key frame');


    const ended = new Promise<string>((r) => a2.events.on('gone', (g) => r(g.reason)));
    p.end();
    assert.equal(await ended, 'ended:ended_by_presenter');
    player.stop();
    const after = await admin.get('/api/v1/portal/presentations');
    assert.equal(after.body.presentations.some((x: { presentationId: string }) => x.presentationId === info.presentationId), false);
  });

  it('STA-6: the Status page counts the running presentations of each logged-in rep', async () => {
    const ws = new WebSocket(`${broker.url.replace('https', 'wss')}/ws/rep`, ['passerelle.v1', `bearer.${token}`], { ca: broker.certificate });
    await new Promise((r) => ws.once('open', r));
    const count = async () => {
      const r = await admin.get('/api/v1/site/reps');
      return (r.body.reps as { userId: number; presentations: number }[]).find((x) => x.userId === rep.id)?.presentations;
    };
    assert.equal(await count(), 0);
    const p = newPresenter();
    await p.start({ name: 'Un', listed: false, format });
    const q = newPresenter();
    await q.start({ name: 'Deux', listed: false, format });
    assert.equal(await count(), 2);
    p.end();
    await new Promise<void>((r) => p.events.on((e) => e.type === 'ended' && r()));
    assert.equal(await count(), 1);
    q.end();
    await new Promise<void>((r) => q.events.on((e) => e.type === 'ended' && r()));
    assert.equal(await count(), 0);
    ws.close();
  });

  it('POR-2: an unlisted presentation is not on the portal and cannot be joined by its id, only by its key', async () => {
    const p = newPresenter();
    const info = await p.start({ name: 'Privée', listed: false, format });
    const portal = await admin.get('/api/v1/portal/presentations');
    assert.equal(portal.body.presentations.some((x: { presentationId: string }) => x.presentationId === info.presentationId), false);
    await assert.rejects(newAttendee().join({ presentationId: info.presentationId }, 'Eve'), (e: AttendeeError) => e.code === 'presentation_not_found');
    const ok = await newAttendee().join({ key: info.key.replace(/ /g, '-') }, 'Dan');
    assert.equal(ok.presentation.name, 'Privée');
    p.end();
  });

  it('POR-2: the site can hide the presentation list: the portal says so and lists none, a listed presentation cannot be joined from the list, its key still works; shown again, it is back', async () => {
    const p = newPresenter();
    const info = await p.start({ name: 'Listée', listed: true, format });
    const onPortal = async () => (await admin.get('/api/v1/portal/presentations')).body.presentations.some((x: { presentationId: string }) => x.presentationId === info.presentationId);
    assert.equal(await onPortal(), true);
    assert.equal((await admin.get('/api/v1/portal')).body.showPresentationList, true);
    try {
      const hidden = await admin.patch('/api/v1/portal/settings', { showPresentationList: false });
      assert.equal(hidden.status, 200);
      assert.equal(hidden.body.showPresentationList, false);
      assert.equal((await admin.get('/api/v1/portal')).body.showPresentationList, false);
      assert.deepEqual((await admin.get('/api/v1/portal/presentations')).body.presentations, []);
      await assert.rejects(newAttendee().join({ presentationId: info.presentationId }, 'Eve'), (e: AttendeeError) => e.code === 'presentation_not_found');
      const byKey = await newAttendee().join({ key: info.key }, 'Dan');
      assert.equal(byKey.presentation.name, 'Listée');
      const wrong = await admin.patch('/api/v1/portal/settings', { showPresentationList: 'no' });
      assert.equal(wrong.status, 400);
      const notAdmin = await rep.api.patch('/api/v1/portal/settings', { showPresentationList: true });
      assert.equal(notAdmin.status, 403);
    } finally {
      await admin.patch('/api/v1/portal/settings', { showPresentationList: true });
    }
    assert.equal(await onPortal(), true);
    const fromList = await newAttendee().join({ presentationId: info.presentationId }, 'Fay');
    assert.equal(fromList.presentation.name, 'Listée');
    p.end();
  });

  it('CON-9 bad input: an invalid key is refused (presentation_not_found), a malformed one fails validation, and guessing gets rate_limited', async () => {
    const p = newPresenter();
    const info = await p.start({ name: 'Clé', listed: false, format });
    const wrong = info.key.replace(/\d$/, (d) => String((Number(d) + 1) % 10));
    await assert.rejects(newAttendee().join({ key: wrong }, 'Mallory'), (e: AttendeeError) => e.code === 'presentation_not_found');
    await assert.rejects(newAttendee().join({ key: 'abc' }, 'Mallory'), (e: AttendeeError) => e.code === 'validation_failed');
    await assert.rejects(newAttendee().join({ key: info.key }, ''), (e: AttendeeError) => e.code === 'validation_failed');
    await assert.rejects(newAttendee().join({ key: info.key }, 'x'.repeat(65)), (e: AttendeeError) => e.code === 'validation_failed');
    // Raw garbage on the socket: typed errors, the connection stays usable.
    const raw = new WebSocket(`${broker.url.replace('https', 'wss')}/ws/attendee`, { ca: broker.certificate });
    await new Promise((r) => raw.once('open', r));
    const replies: { code: string }[] = [];
    raw.on('message', (d) => replies.push(JSON.parse(String(d)).code));
    raw.send('{not json');
    raw.send(JSON.stringify({ type: 'chat', text: 'before joining' }));
    raw.send(Buffer.alloc(10));
    await until(() => replies.length >= 3, 'three refusals');
    assert.deepEqual(replies.slice(0, 3).sort(), ['bad_request', 'out_of_order', 'out_of_order']);
    raw.close();
    // Keep guessing: past the allowance every attempt is refused, even the right key, for a while.
    let code = '';
    for (let i = 0; i < 8 && code !== 'rate_limited'; i++) {
      code = await newAttendee().join({ key: wrong }, 'Mallory').then(() => 'joined', (e: AttendeeError) => e.code);
    }
    assert.equal(code, 'rate_limited');
    await assert.rejects(newAttendee().join({ key: info.key }, 'Mallory'), (e: AttendeeError) => e.code === 'rate_limited');
    p.end();
  });
});

describe('presentations under stress, and their reports', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  let rep: Awaited<ReturnType<typeof createRep>>;
  let token: string;
  const open: { dispose?: () => void; drop?: () => void }[] = [];

  before(async () => {
    broker = await startTestBroker({ presentations: { resumeGraceMs: 1500, maxAttendees: 4, joinsPerMinute: 1000, keyAttemptsPerMinute: 1000 } });
    admin = await adminClient(broker);
    rep = await createRep(admin, { displayName: 'Paul Présentateur' });
    token = await presenterToken(broker, rep.username, rep.password);
  });
  after(async () => {
    for (const o of open) {
      if (o.dispose) o.dispose();
      else o.drop?.();
    }
    await broker.stop();
  });
  const track = <T extends { dispose?: () => void; drop?: () => void }>(x: T): T => (open.push(x), x);

  it('CON-9 bad input: a flood of attendees stops at the presentation\'s limit; a flood of chat lines is rate_limited and not stored', async () => {
    const p = track(presenter(broker, token));
    const info = await p.start({ name: 'Foule', listed: true, format });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => track(attendee(broker)).join({ key: info.key }, `Att ${i}`).then(() => 'joined', (e: AttendeeError) => e.code)),
    );
    assert.equal(results.filter((r) => r === 'joined').length, 4);
    assert.ok(results.filter((r) => r !== 'joined').every((r) => r === 'rate_limited'), JSON.stringify(results));
    const talker = open.find((o) => (o as AttendeeClient).joined) as AttendeeClient;
    const errors: string[] = [];
    talker.events.on('error', (e) => errors.push(e.code));
    for (let i = 0; i < 40; i++) talker.chat(`ligne ${i}`);
    await until(() => errors.includes('rate_limited'), 'chat rate_limited');
    p.end();
    await new Promise<void>((r) => p.events.on((e) => e.type === 'ended' && r()));
    const detail = await admin.get(`/api/v1/reports/presentations/${info.presentationId}`);
    const stored = detail.body.events.filter((e: { kind: string }) => e.kind === 'chat').length;
    assert.ok(stored >= 1 && stored <= 10, `chat lines stored: ${stored}`);
  });

  it('CON-9: a throttled attendee skips frames and resumes at a key frame without slowing the others', async () => {
    const p = track(presenter(broker, token));
    const info = await p.start({ name: 'Débit', listed: false, format });
    const player = playFrames(p, { gop: 10, bytes: 4096, intervalMs: 5 });
    const fast = track(attendee(broker));
    const slow = track(attendee(broker));
    await fast.join({ key: info.key }, 'Rapide');
    await slow.join({ key: info.key }, 'Lent');
    const fastSeen = watch(fast);
    const slowFrames: { n: number; key: boolean }[] = [];
    // The slow one takes a frame, then holds on to it (a decoder that stalled): no credit comes back.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    slow.onFrame(async (m) => {
      slowFrames.push({ n: frameNumber(m.payload), key: m.key });
      if (slowFrames.length === 1) await held;
    });
    await until(() => fastSeen.frames.length >= 60, 'the fast attendee keeps receiving');
    assert.ok(slowFrames.length <= 8, `the stalled attendee got at most its window (${slowFrames.length})`);
    // In order, nothing skipped for the fast one once it started.
    const ns = fastSeen.frames.map((f) => f.n);
    assert.ok(ns.every((n, i) => i === 0 || n > ns[i - 1]!), 'frames in order');
    const got = slowFrames.length;
    const sentWhileStalled = player.sent();
    release();
    await until(() => slowFrames.length > got + 5, 'the slow attendee catches up');
    // What it had in hand (its window) comes first, then it jumps to a newer key frame: it skipped
    // what it could not take rather than receiving a backlog.
    const jump = slowFrames.findIndex((f, i) => i > 0 && f.n !== slowFrames[i - 1]!.n + 1);
    assert.ok(jump > 0 && jump <= 8, `a jump after at most the window: ${JSON.stringify(slowFrames.slice(0, 12))}`);
    assert.equal(slowFrames[jump]!.key, true, 'it resumes at a key frame');
    assert.ok(slowFrames[jump]!.n >= sentWhileStalled - 10, 'at a recent frame, not the backlog');
    player.stop();
    p.end();
  });

  it('CON-9: a presenter whose network drops: attendees see presenter_away, the presenter comes back and frames flow again; past the grace period it ends', async () => {
    const p = track(presenter(broker, token));
    const info = await p.start({ name: 'Réseau', listed: false, format });
    const player = playFrames(p, { gop: 1000 });
    const a = track(attendee(broker));
    await a.join({ key: info.key }, 'Fidèle');
    const seen = watch(a);
    const states: string[] = [];
    a.events.on('state', (s) => states.push(s));
    await until(() => seen.frames.length >= 3, 'frames before the drop');
    // Cut the presenter's socket under it (no close handshake), as a network loss.
    (p as unknown as { socket: { terminate?: () => void } }).socket.terminate?.();
    await until(() => states.includes('presenter_away'), 'presenter_away');
    await until(() => states.includes('live'), 'the presenter back (it reconnects by itself)');
    const at = seen.frames.length;
    await until(() => seen.frames.length > at + 3, 'frames after the presenter is back');
    assert.equal(seen.frames[at]!.key, true, 'back at a key frame');
    player.stop();
    // Now a drop with no coming back: the presentation ends when the grace period is over.
    const gone = new Promise<string>((r) => a.events.on('gone', (g) => r(g.reason)));
    p.dispose();
    assert.equal(await gone, 'ended:presenter_connection_lost');
    const detail = await admin.get(`/api/v1/reports/presentations/${info.presentationId}`);
    const kinds = detail.body.events.map((e: { kind: string }) => e.kind);
    assert.ok(kinds.includes('presenter_away') && kinds.includes('presenter_back'), kinds.join(','));
    assert.equal(detail.body.presentation.endReason, 'presenter_connection_lost');
  });

  it('REP-6: presentation reports: period filter, list, detail with presenter, public and private IPs, start and end, attendee join and leave times; refused without the right; in the OpenAPI document; each reading is in the report access log', async () => {
    const p = track(presenter(broker, token));
    const info = await p.start({ name: 'Rapport', listed: true, format, privateIp: '192.168.7.9' });
    const a = track(attendee(broker));
    const b = track(attendee(broker));
    const ja = await a.join({ key: info.key }, 'Anne');
    const jb = await b.join({ presentationId: info.presentationId }, 'Bruno');
    a.leave();
    await until(() => p.attendeeList.length === 1, 'Anne left');
    b.drop();
    await until(() => p.attendeeList.length === 0, 'Bruno dropped');
    p.end();
    await new Promise<void>((r) => p.events.on((e) => e.type === 'ended' && r()));

    const today = new Date().toISOString().slice(0, 10);
    const list = await admin.get(`/api/v1/reports/presentations?from=${today}&days=1`);
    assert.equal(list.status, 200);
    const row = list.body.presentations.find((x: { presentationId: string }) => x.presentationId === info.presentationId);
    assert.equal(row.presenter.name, 'Paul Présentateur');
    assert.equal(row.attendeeCount, 2);
    assert.ok(row.endedAt);
    const past = await admin.get('/api/v1/reports/presentations?from=2001-01-01&to=2001-01-31');
    assert.equal(past.body.presentations.length, 0);
    const bad = await admin.get(`/api/v1/reports/presentations?to=${today}`);
    assert.equal(bad.status, 400);

    const detail = await admin.get(`/api/v1/reports/presentations/${info.presentationId}`);
    assert.equal(detail.status, 200);
    const d = detail.body;
    assert.equal(d.presentation.publicIp, '127.0.0.1');
    assert.equal(d.presentation.privateIp, '192.168.7.9');
    assert.ok(d.presentation.startedAt <= d.presentation.endedAt);
    const anne = d.attendees.find((x: { attendeeId: string }) => x.attendeeId === ja.attendeeId);
    const bruno = d.attendees.find((x: { attendeeId: string }) => x.attendeeId === jb.attendeeId);
    assert.equal(anne.name, 'Anne');
    assert.ok(anne.joinedAt && anne.leftAt && anne.joinedAt <= anne.leftAt);
    assert.equal(anne.leaveReason, 'left');
    assert.equal(bruno.leaveReason, 'connection_lost');
    assert.deepEqual(d.events.map((e: { kind: string }) => e.kind), ['started', 'joined', 'joined', 'left', 'left', 'ended']);

    const missing = await admin.get('/api/v1/reports/presentations/doesnotexist');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'presentation_not_found');
    const forbidden = await rep.api.get('/api/v1/reports/presentations');
    assert.equal(forbidden.status, 403);
    const doc = await admin.get('/api/v1/openapi.json');
    assert.ok(doc.body.paths['/api/v1/reports/presentations']?.get);
    assert.ok(doc.body.paths['/api/v1/reports/presentations/{presentationId}']?.get);
    assert.ok(doc.body.paths['/api/v1/portal/presentations']?.get);

    // Reading presentation reports is logged like reading session reports; refused, invalid and
    // missing reads, and reading the log itself, are not.
    const log = await admin.get('/api/v1/reports/access-log');
    assert.equal(log.status, 200);
    const mine = log.body.entries.filter((e: { username: string }) => e.username === 'admin').slice(0, 3);
    assert.deepEqual(mine.map((e: { action: string; presentationId: string | null; lsid: string | null; query: unknown }) => [e.action, e.presentationId, e.lsid, e.query]), [
      ['presentation_view', info.presentationId, null, null],
      ['presentation_list', null, null, { from: '2001-01-01', to: '2001-01-31' }],
      ['presentation_list', null, null, { from: today, days: 1 }],
    ]);
    assert.equal(mine[0].address, '127.0.0.1');
    assert.ok(!log.body.entries.some((e: { username: string }) => e.username === rep.username), 'the refused read is not logged');
  });
});

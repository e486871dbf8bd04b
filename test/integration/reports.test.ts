import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminClient, ApiClient, createRep, startTestBroker, type TestBroker } from '../support/broker.ts';
import { playChatConsentInvite, playTransfer, playUnanswered, repWithConsole, type PlayedSession, type Rep } from '../support/report-sessions.ts';

const R = '/api/v1/reports/sessions';

describe('support session reports (REP-1..4, USR-9, STA-1)', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  let a: Rep;
  let b: Rep;
  let auditor: Awaited<ReturnType<typeof createRep>>;
  let plain: Awaited<ReturnType<typeof createRep>>;
  let s1: PlayedSession;
  let s2: PlayedSession;
  let s3: PlayedSession;
  const today = new Date().toISOString().slice(0, 10);

  const list = async (query: string, who: ApiClient = admin) => {
    const res = await who.get(`${R}?${query}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.sessions.map((s: { lsid: string }) => s.lsid) as string[];
  };
  const bad = async (query: string, field?: string) => {
    const res = await admin.get(`${R}?${query}`);
    assert.equal(res.status, 400, `${query}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.error.code, 'validation_failed', query);
    if (field) assert.match(JSON.stringify(res.body.error), new RegExp(field), query);
  };

  before(async () => {
    broker = await startTestBroker();
    admin = await adminClient(broker);
    a = await repWithConsole(broker, admin, { permissions: { ...(await import('../../src/protocol/users.ts')).defaultRepPermissions, promptAttended: 'always' } });
    b = await repWithConsole(broker, admin);
    auditor = await createRep(admin, { permissions: { ...(await import('../../src/protocol/users.ts')).defaultRepPermissions, viewReports: true } });
    plain = await createRep(admin);
    s1 = await playChatConsentInvite(broker, a, b, { name: 'Alice Martin', computerName: 'ALICE-PC', privateIp: '10.1.2.3' });
    s2 = await playTransfer(broker, a, b, { name: '=cmd|\' /C calc\'!A0', computerName: '<b>evil</b>', privateIp: '192.168.7.9' });
    s3 = await playUnanswered(broker, a, { name: "O'Brien %_", computerName: 'OBRIEN-LAPTOP', privateIp: '10.9.9.9' });
  });
  after(async () => {
    for (const r of [a, b]) {
      await r.ws.close();
      await r.api.close();
    }
    await auditor.api.close();
    await plain.api.close();
    await admin.close();
    await broker.stop();
  });

  it('REP-1, USR-9: administrators and users with the view-reports permission read reports; others get forbidden', async () => {
    assert.deepEqual((await list('', auditor.api)).sort(), [s1.lsid, s2.lsid, s3.lsid].sort());
    for (const path of [R, `${R}.csv`, `${R}/${s1.lsid}`, `${R}/${s1.lsid}/download`, '/api/v1/reports/reps']) {
      const res = await plain.api.get(path);
      assert.equal(res.status, 403, path);
      assert.equal(res.body.error.code, 'forbidden', path);
      const anon = await new ApiClient(broker).get(path);
      assert.equal(anon.status, 401, path);
    }
    // The access log is for administrators only.
    assert.equal((await auditor.api.get('/api/v1/reports/access-log')).status, 403);
    // A permission taken away applies at once.
    const off = await admin.patch(`/api/v1/users/${auditor.id}`, { permissions: { viewReports: false } });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    const relog = new ApiClient(broker);
    await relog.login(auditor.username, auditor.password);
    assert.equal((await relog.get(R)).status, 403);
    await relog.close();
    await admin.patch(`/api/v1/users/${auditor.id}`, { permissions: { viewReports: true } });
  });

  it('REP-1: the OpenAPI document describes the report operations, so an auditor can script them', async () => {
    const doc = (await new ApiClient(broker).get('/api/v1/openapi.json')).body;
    const ops = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((o) => Object.values(o).map((x) => x.operationId));
    for (const id of ['listSessionReports', 'getSessionReport', 'downloadSessionReport', 'exportSessionReports', 'listReportReps', 'listReportAccess']) {
      assert.ok(ops.includes(id), id);
    }
  });

  it('REP-2: each filter finds its sessions, combined with AND', async () => {
    assert.deepEqual(await list(`lsid=${s2.lsid}`), [s2.lsid]);
    assert.deepEqual(await list(`seq=${s3.seq}`), [s3.lsid]);
    assert.deepEqual((await list(`from=${today}&days=1`)).sort(), [s1.lsid, s2.lsid, s3.lsid].sort());
    assert.deepEqual((await list(`from=${today}&to=${today}`)).length, 3);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    assert.deepEqual(await list(`from=${tomorrow}&days=5`), []);
    assert.deepEqual(await list(`from=2020-01-01&to=${yesterday}`), []);
    assert.deepEqual(await list('customerName=alice'), [s1.lsid], 'from the start, case-insensitive');
    assert.deepEqual(await list('customerName=martin'), [], 'not in the middle');
    assert.deepEqual(await list('computerName=obrien-'), [s3.lsid]);
    assert.deepEqual((await list('publicIp=127.0.0.1')).length, 3);
    assert.deepEqual(await list('publicIp=10.'), []);
    assert.deepEqual((await list('privateIp=10.')).sort(), [s1.lsid, s3.lsid].sort());
    assert.deepEqual((await list('rep=any')).sort(), [s1.lsid, s2.lsid].sort());
    assert.deepEqual(await list('rep=none'), [s3.lsid]);
    assert.deepEqual((await list(`rep=${b.id}`)).sort(), [s1.lsid, s2.lsid].sort(), 'b joined by invite and by transfer');
    assert.deepEqual(await list(`rep=${b.id}&privateIp=10.`), [s1.lsid], 'AND');
    assert.deepEqual(await list(`rep=${b.id}&privateIp=10.&from=${tomorrow}`), []);
    assert.deepEqual(await list(`rep=${plain.id}`), []);
  });

  it('REP-2 bad input: LSID/sequence number stand alone, inverted or absurd periods, out-of-range numbers, unknown parameters', async () => {
    await bad(`lsid=${s1.lsid}&customerName=x`, 'customerName');
    await bad(`seq=1&from=${today}`, 'from');
    await bad(`lsid=${s1.lsid}&seq=1`, 'seq');
    await bad(`from=${today}&days=2&to=${today}`, 'to');
    await bad(`days=3`, 'from');
    await bad('from=2026-12-10&to=2026-12-01', 'to');
    await bad('from=2026-02-30&days=1');
    await bad('from=1970-01-01&days=1');
    await bad('from=2026-13-01');
    await bad('from=yesterday');
    await bad(`from=${today}&days=0`);
    await bad(`from=${today}&days=99999`);
    await bad(`from=${today}&days=-1`);
    await bad('seq=0');
    await bad('seq=-5');
    await bad('seq=99999999999999999');
    await bad('seq=1e3');
    await bad('seq=abc');
    await bad('lsid=../../etc');
    await bad('rep=somebody');
    await bad('pageSize=7');
    await bad('page=0');
    await bad('sort=password_hash');
    await bad('customerName=');
    await bad(`customerName=${'x'.repeat(300)}`);
    await bad('customerName=%0Aline');
    await bad('nonsense=1');
    // A well-formed id or number that matches nothing is an empty list, not an error.
    assert.deepEqual(await list('lsid=doesnotexist123'), []);
    assert.deepEqual(await list('seq=123456789'), []);
  });

  it('REP-2: SQL and HTML metacharacters are matched literally', async () => {
    assert.deepEqual(await list(`customerName=${encodeURIComponent("' OR 1=1 --")}`), []);
    assert.deepEqual(await list(`customerName=${encodeURIComponent("o'brien %_")}`), [s3.lsid]);
    assert.deepEqual(await list(`customerName=${encodeURIComponent('%')}`), []);
    assert.deepEqual(await list(`customerName=${encodeURIComponent('_')}`), []);
    assert.deepEqual(await list(`computerName=${encodeURIComponent('<b>')}`), [s2.lsid]);
    assert.deepEqual(await list(`customerName=${encodeURIComponent('=cmd|')}`), [s2.lsid]);
    assert.deepEqual(await list(`computerName=${encodeURIComponent('"; DROP TABLE support_sessions; --')}`), []);
    assert.equal((await list('')).length, 3, 'still there');
  });

  it('REP-3: the list shows the basic information, sorted and paged', async () => {
    const res = await admin.get(`${R}?sort=sequenceNumber&order=asc`);
    const rows = res.body.sessions;
    assert.deepEqual(rows.map((r: { sequenceNumber: number }) => r.sequenceNumber), [s1.seq, s2.seq, s3.seq]);
    const r1 = rows[0];
    assert.equal(r1.customerName, 'Alice Martin');
    assert.equal(r1.computerName, 'ALICE-PC');
    assert.equal(r1.privateIp, '10.1.2.3');
    assert.equal(r1.publicIp, '127.0.0.1');
    assert.equal(r1.method, 'rep_list');
    assert.equal(r1.state, 'ended');
    assert.equal(typeof r1.endReason, 'string');
    assert.ok(r1.durationSeconds >= 0);
    assert.deepEqual(r1.reps.map((r: { userId: number }) => r.userId), [a.id, b.id]);
    assert.equal(res.body.timeZone, 'UTC');
    assert.deepEqual((await list('sort=start&order=desc')), [s3.lsid, s2.lsid, s1.lsid]);
    assert.deepEqual((await list('sort=customer&order=asc')), [s2.lsid, s1.lsid, s3.lsid], '= sorts before A, O after');
    assert.deepEqual((await list('sort=computer&order=desc')), [s3.lsid, s1.lsid, s2.lsid]);
    // Paging (the smallest page is 25): page 2 is empty, hasMore says so.
    const p1 = await admin.get(`${R}?pageSize=25`);
    assert.equal(p1.body.hasMore, false);
    assert.equal(p1.body.pageSize, 25);
    assert.deepEqual((await admin.get(`${R}?page=2`)).body.sessions, []);
  });

  it('REP-4: the detail has the transcript (reps-only marked), permissions, both computers and every event', async () => {
    const res = await admin.get(`${R}/${s1.lsid}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const d = res.body;
    assert.equal(d.session.sequenceNumber, s1.seq);
    assert.deepEqual(d.customer, { name: 'Alice Martin', computerName: 'ALICE-PC', os: 'Debian 12', userName: 'gaby', privateIp: '10.1.2.3', publicIp: '127.0.0.1' });
    assert.deepEqual(d.transcript.map((l: { text: string; repsOnly: boolean; from: { kind: string } }) => [l.from.kind, l.text, l.repsOnly]), [
      ['customer', 'Bonjour, mon imprimante ne marche plus', false],
      ['rep', 'Je regarde ça', false],
      ['rep', 'Driver issue, I think', true],
    ]);
    assert.deepEqual(d.permissions.map((p: { permission: string; action: string }) => `${p.permission}:${p.action}`), [
      'screen_view:requested',
      'screen_view:granted',
      'screen_control:requested',
      'screen_control:denied',
      'screen_view:revoked',
    ]);
    assert.deepEqual(d.reps.map((r: { userId: number; ips: string[] }) => [r.userId, r.ips]), [[a.id, ['127.0.0.1']], [b.id, ['127.0.0.1']]]);
    assert.deepEqual(d.files, []);
    const seqs = d.events.map((e: { seq: number }) => e.seq);
    assert.deepEqual(seqs, seqs.map((_: number, i: number) => i + 1), 'every event, in order');
    assert.equal(d.events[0].body.kind, 'session_started');
    assert.equal(d.events.at(-1).body.kind, 'session_ended');

    const missing = await admin.get(`${R}/doesnotexist123`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'session_not_found');
    assert.equal((await admin.get(`${R}/bad..id`)).status, 400);
  });

  it('REP-4: the HTML download is self-contained and escapes what customers typed; the CSV cannot carry formulas', async () => {
    const html = await admin.get(`${R}/${s2.lsid}/download?lang=fr`);
    assert.equal(html.status, 200);
    assert.match(html.headers.get('content-type')!, /^text\/html/);
    assert.match(html.headers.get('content-disposition')!, /attachment; filename="session-\d+-/);
    assert.match(html.headers.get('content-security-policy')!, /default-src 'none'/);
    const page = html.body as string;
    assert.match(page, /<html lang="fr">/);
    assert.match(page, /Transcription de la discussion/);
    assert.ok(page.includes('&lt;b&gt;evil&lt;/b&gt;'));
    assert.ok(!page.includes('<b>evil'));
    assert.ok(!/<script|src=|href=/i.test(page), 'nothing outside the file');
    assert.equal((await admin.get(`${R}/${s2.lsid}/download?lang=de`)).status, 400);
    assert.equal((await admin.get(`${R}/doesnotexist123/download`)).status, 404);

    const csv = await admin.get(`${R}.csv?sort=sequenceNumber&order=asc`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type')!, /^text\/csv/);
    const lines = (csv.body as string).replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0]!, /^"LSID","Sequence number"/);
    assert.ok(lines[2]!.includes(`"'=cmd|' /C calc'!A0"`), lines[2]);
    assert.ok(lines[3]!.includes(`"O'Brien %_"`));
    for (const line of lines.slice(1)) for (const cell of line.split('","')) assert.ok(!/^"?[=+\-@]/.test(cell), cell);
    const bad = await admin.get(`${R}.csv?lsid=${s1.lsid}&rep=any`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'validation_failed');
  });

  it('STA-1: periods and downloaded dates follow the site time zone', async () => {
    const zone = 'Pacific/Kiritimati'; // UTC+14: its day differs from UTC's for 14 hours of every day
    assert.equal((await admin.patch('/api/v1/site/settings', { timeZone: zone })).status, 200);
    try {
      const localDay = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
      const before = new Date(Date.parse(`${localDay}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      assert.equal((await list(`from=${localDay}&days=1`)).length, 3);
      assert.deepEqual(await list(`from=${before}&days=1`), []);
      const res = await admin.get(`${R}?lsid=${s1.lsid}`);
      assert.equal(res.body.timeZone, zone);
      const csv = (await admin.get(`${R}.csv?lsid=${s1.lsid}`)).body as string;
      assert.ok(csv.includes(`"${localDay} `), 'start written in the site zone');
      assert.ok(csv.includes(zone));
    } finally {
      await admin.patch('/api/v1/site/settings', { timeZone: 'UTC' });
    }
  });

  it('REP-1: report access is itself logged: who listed, viewed, downloaded or exported what', async () => {
    await auditor.api.get(`${R}/${s3.lsid}`);
    await auditor.api.get(`${R}/${s3.lsid}/download`);
    await auditor.api.get(`${R}.csv?customerName=alice`);
    await auditor.api.get(`${R}?rep=none`);
    const res = await admin.get('/api/v1/reports/access-log');
    assert.equal(res.status, 200);
    const mine = res.body.entries.filter((e: { username: string }) => e.username === auditor.username).slice(0, 4);
    assert.deepEqual(mine.map((e: { action: string; lsid: string | null; query: unknown }) => [e.action, e.lsid, e.query]), [
      ['list', null, { rep: 'none' }],
      ['export_csv', null, { customerName: 'alice' }],
      ['download_html', s3.lsid, null],
      ['view', s3.lsid, null],
    ]);
    assert.equal(mine[0].address, '127.0.0.1');
    // Refused reads are not reports read.
    const before = res.body.entries.length;
    await plain.api.get(`${R}/${s3.lsid}`);
    assert.equal((await admin.get('/api/v1/reports/access-log')).body.entries.length, before, 'a refused read and reading the log itself add nothing');
  });
});

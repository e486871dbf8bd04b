// CON-8, USR-12, JMP-6: a rep asks for elevation, the customer grants it and types their password
// into the real customer client (running as an unprivileged Linux user made for this test, with
// a real sudo), and the rep's new shells and file channels then run as root; the broker enforces
// the right and the grant; refusal, a wrong password, an account sudo refuses and a client that
// cannot elevate each end clearly, in the session log, and never with the password in it.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { RemoteFiles } from '../../src/console-core/files/remote-files.ts';
import { RemoteShell } from '../../src/console-core/shell/remote-shell.ts';
import type { SessionEvent } from '../../src/protocol/sessions.ts';
import type { ToolChannel } from '../../src/protocol/tool-channel.ts';
import { CustomerSession } from '../../src/endpoint/customer/customer-session.ts';
import { capabilities } from '../../src/endpoint/tools/index.ts';
import { adminClient, createRep, startTestBroker, type ApiClient, type TestBroker } from '../support/broker.ts';
import { repCore, waitForQueue, type Core } from '../support/channels.ts';
import { repConsole } from '../support/sessions.ts';
import { customerAs, elevationSkip, makeUser, type Update } from '../support/elevation-users.ts';

describe('elevation (CON-8, USR-12, JMP-6)', { skip: elevationSkip }, () => {
  let broker: TestBroker;
  let admin: ApiClient;
  let logs = '';
  const cleanups: (() => void | Promise<void>)[] = [];
  before(async () => {
    const sink = new Writable({ write: (c, _e, cb) => ((logs += c.toString()), cb()) });
    broker = await startTestBroker({ logger: pino({ level: 'debug' }, sink) });
    admin = await adminClient(broker);
  });
  after(async () => {
    const failures: unknown[] = [];
    for (const c of cleanups.reverse()) await Promise.resolve().then(c).catch((err: unknown) => failures.push(err));
    await admin.close();
    await broker.stop();
    assert.deepEqual(failures, [], 'every test user and process cleaned up');
  });

  /** A rep (console-core) and the customer client as a fresh Linux user, in one accepted session. */
  async function setUp(o: { sudoer?: boolean; elevationRight?: boolean } = {}) {
    const user = makeUser(o.sudoer ?? true);
    cleanups.push(() => user.remove());
    // The customer is asked for everything (promptAttended 'always'); shell and files granted up front.
    const rep = await createRep(admin, { permissions: { promptAttended: 'always', shell: true, fileTransfer: true, elevation: o.elevationRight ?? true } });
    const { core, close } = await repCore(broker, rep.username, rep.password);
    cleanups.push(async () => (await close(), await rep.api.close()));
    const customer = customerAs(user.name, { brokerUrl: broker.url, fingerprint: broker.fingerprint, repId: rep.id });
    cleanups.push(() => customer.stop());
    const welcome = await customer.next((u) => u.kind === 'welcome', 'welcome', 60_000);
    assert.notEqual(welcome.uid, 0);
    assert.equal(welcome.canElevate, true);
    const lsid = welcome.lsid as string;
    await waitForQueue(core, (q) => q.some((s) => s.lsid === lsid), 'the session');
    await core.sessions.accept(lsid);
    const events: SessionEvent[] = [];
    core.sessions.onEvent((e) => e.lsid === lsid && events.push(e.event));
    for (const p of ['shell', 'file_transfer'] as const) {
      customer.send({ answer: true });
      await core.sessions.requestPermission(lsid, p);
    }
    await waitForQueue(core, (q) => (q.find((x) => x.lsid === lsid)?.grants.length ?? 0) >= 2, 'shell and files granted');
    const summary = async () => (await core.sessions.queue()).find((s) => s.lsid === lsid)!;
    const event = async (pred: (e: SessionEvent) => boolean, what: string) => {
      for (let i = 0; i < 300; i++) {
        const e = events.find(pred);
        if (e) return e;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no event: ${what}; got ${JSON.stringify(events.map((x) => x.body))}`);
    };
    const openShell = (meta: unknown) => core.channels.open(lsid, 'shell', meta as never) as unknown as Promise<ToolChannel>;
    return { user, rep, core: core as Core, customer, lsid, page: welcome.page as string, events, event, summary, openShell };
  }

  async function runInShell(openShell: (m: unknown) => Promise<ToolChannel>, command: string, marker: RegExp): Promise<string> {
    let out = '';
    let found!: (s: string) => void;
    const got = new Promise<string>((r) => (found = r));
    const sh = await RemoteShell.open(openShell, { cols: 120, rows: 30 }, {
      output: (b) => {
        out += Buffer.from(b).toString();
        const m = marker.exec(out);
        if (m) found(m[1]!);
      },
    });
    await sh.write(`${command}\n`);
    const value = await got;
    sh.close();
    return value;
  }

  it('CON-8: after the customer grants elevation and types their password, new shells run as root and file channels too; the console sees "elevated"; revoking drops it', async () => {
    const s = await setUp();
    const before = await runInShell(s.openShell, 'echo "uid=[$(id -u)]"', /uid=\[(\d+)\]/);
    assert.notEqual(before, '0');
    s.customer.send({ answer: true });
    await s.core.sessions.requestPermission(s.lsid, 'elevation');
    await s.customer.next((u) => u.kind === 'elevation' && u.state === 'ask', 'the password prompt');
    // Typed into the chat window: its form posts here (an empty or odd body is refused).
    const post = (body: unknown) => fetch(`${s.page}elevate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await post({ password: '' })).status, 400);
    assert.equal((await post({ password: s.user.password, extra: 1 })).status, 400);
    assert.equal((await post({ password: s.user.password })).status, 200);
    await s.customer.next((u) => u.kind === 'elevation' && u.state === 'elevated', 'elevated');
    // Once elevated, the page takes no more passwords.
    assert.equal((await post({ password: s.user.password })).status, 409);
    const ev = await s.event((e) => e.body.kind === 'elevation', 'the elevation event');
    assert.deepEqual(ev.body, { kind: 'elevation', result: 'elevated', method: 'sudo' });
    assert.equal(ev.actor.kind, 'customer');
    assert.equal((await s.summary()).elevated, true);
    // A new shell is a root shell, with its opening still logged (through the helper's events).
    assert.equal(await runInShell(s.openShell, 'echo "uid=[$(id -u)]"', /uid=\[(\d+)\]/), '0');
    await s.event((e) => e.body.kind === 'shell_opened' && e.actor.userId === s.rep.id, 'the elevated shell in the log');
    // File channels go through the helper as well: it can list root's own folder.
    const files = new RemoteFiles((meta) => s.core.channels.open(s.lsid, 'file', meta as never) as unknown as Promise<ToolChannel>);
    const listing = await files.list('');
    assert.equal(listing.root, `/home/${s.user.name}`);
    files.close();
    // The customer takes it back: the console sees it and the next shell is theirs again.
    s.customer.send({ revoke: 'elevation' });
    await s.event((e) => e.body.kind === 'permission_revoked' && e.body.permission === 'elevation', 'the revoke');
    for (let i = 0; i < 100 && (await s.summary()).elevated; i++) await new Promise((res) => setTimeout(res, 50));
    assert.equal((await s.summary()).elevated, false);
    assert.notEqual(await runInShell(s.openShell, 'echo "uid=[$(id -u)]"', /uid=\[(\d+)\]/), '0');
    assert.ok(!logs.includes(s.user.password), 'the password is in no broker log');
    assert.ok(!JSON.stringify(s.events).includes(s.user.password), 'nor in the session log');
  });

  it('CON-8: a wrong password is refused (asked again, logged as wrong_password, nothing elevated), then three wrong ones give up and revoke', async () => {
    const s = await setUp();
    s.customer.send({ answer: true });
    await s.core.sessions.requestPermission(s.lsid, 'elevation');
    await s.customer.next((u) => u.kind === 'elevation' && u.state === 'ask', 'the password prompt');
    s.customer.send({ elevate: 'not-the-password' });
    const r = await s.customer.next((u) => u.kind === 'elevate_result', 'the outcome');
    assert.deepEqual([r.ok, r.error], [false, 'wrong_password']);
    await s.customer.next((u) => u.kind === 'elevation' && u.state === 'failed' && u.error === 'wrong_password', 'asked again');
    const ev = await s.event((e) => e.body.kind === 'elevation', 'the failed elevation');
    assert.deepEqual(ev.body, { kind: 'elevation', result: 'failed', method: 'sudo', error: 'wrong_password' });
    assert.equal((await s.summary()).elevated, false);
    assert.notEqual(await runInShell(s.openShell, 'echo "uid=[$(id -u)]"', /uid=\[(\d+)\]/), '0');
    for (let i = 0; i < 2; i++) {
      const n = s.customer.updates.filter((u) => u.kind === 'elevate_result').length;
      s.customer.send({ elevate: `wrong-${i}` });
      await s.customer.next(() => s.customer.updates.filter((u) => u.kind === 'elevate_result').length > n, `wrong password ${i + 2}`);
    }
    await s.event((e) => e.body.kind === 'permission_revoked' && e.body.permission === 'elevation', 'elevation given up');
    assert.ok(!logs.includes('not-the-password') && !JSON.stringify(s.events).includes('not-the-password'), 'a wrong password is not logged either');
  });

  it('CON-8: on the terminal, /elevate asks for the password with the echo off; a wrong one is asked again, the right one elevates; the password is in no terminal line, chat, history or log', async () => {
    const s = await setUp();
    const terminal = () => s.customer.updates.filter((u) => u.kind === 'terminal').map((u) => u.text as string).join('');
    const printed = (re: RegExp, what: string) => s.customer.next(() => re.test(terminal()), what);
    s.customer.send({ answer: true });
    await s.core.sessions.requestPermission(s.lsid, 'elevation');
    await printed(/type \/elevate here/, 'the terminal says how to give the password');
    s.customer.send({ terminal: '/elevate\n' });
    await printed(/Password for sudo \(nothing shows/, 'the password prompt');
    s.customer.send({ terminal: 'not-the-password\n' });
    await s.customer.next((u) => u.kind === 'elevation' && u.state === 'failed' && u.error === 'wrong_password', 'asked again');
    s.customer.send({ terminal: '/elevate\n' });
    await s.customer.next(() => (terminal().match(/Password for sudo/g) ?? []).length === 2, 'the second prompt');
    s.customer.send({ terminal: `${s.user.password}\n` });
    await s.customer.next((u) => u.kind === 'elevation' && u.state === 'elevated', 'elevated');
    await printed(/now runs with administrator rights/, 'the terminal says so');
    assert.equal(await runInShell(s.openShell, 'echo "uid=[$(id -u)]"', /uid=\[(\d+)\]/), '0');
    // The arrow keys bring back chat lines, never a password: Up on the (echoing) terminal shows the last line kept.
    const before = terminal().length;
    s.customer.send({ terminal: '\u001b[A' });
    // (readline redraws the line in several writes: wait for the whole of it)
    await s.customer.next(() => /\/elevate/.test(terminal().slice(before)), 'the recalled line is the last command, not the password');
    s.customer.send({ terminal: '\u0015' }); // Ctrl+U clears the recalled line
    for (const secret of [s.user.password, 'not-the-password']) {
      assert.ok(!terminal().includes(secret), 'never echoed on the terminal');
      assert.ok(!logs.includes(secret), 'in no broker log');
      assert.ok(!JSON.stringify(s.events).includes(secret), 'nor in the session log (no chat line)');
    }
    // With nothing waiting, /elevate and /cancel say so instead of reading a password.
    s.customer.send({ terminal: '/elevate\n' });
    await printed(/No request for administrator rights is waiting/, 'nothing waiting');
  });

  it('CON-8: the customer refusing elevation, or closing the password prompt, leaves nothing elevated and says so in the log', async () => {
    const s = await setUp();
    s.customer.send({ answer: false });
    await s.core.sessions.requestPermission(s.lsid, 'elevation');
    await s.event((e) => e.body.kind === 'permission_denied' && e.body.permission === 'elevation', 'the refusal');
    assert.ok(!s.customer.updates.some((u) => u.kind === 'elevation'), 'no password asked');
    s.customer.send({ answer: true });
    await s.core.sessions.requestPermission(s.lsid, 'elevation');
    await s.customer.next((u) => u.kind === 'elevation' && u.state === 'ask', 'the password prompt');
    s.customer.send({ cancel: true });
    const ev = await s.event((e) => e.body.kind === 'elevation', 'the cancel');
    assert.deepEqual(ev.body, { kind: 'elevation', result: 'cancelled' });
    await s.event((e) => e.body.kind === 'permission_revoked' && e.body.permission === 'elevation', 'the grant taken back');
    assert.equal((await s.summary()).elevated, false);
  });

  it('CON-8: an account sudo does not allow is told so (not_allowed), and nothing runs as root', async () => {
    const s = await setUp({ sudoer: false });
    s.customer.send({ answer: true });
    await s.core.sessions.requestPermission(s.lsid, 'elevation');
    await s.customer.next((u) => u.kind === 'elevation' && u.state === 'ask', 'the password prompt');
    s.customer.send({ elevate: s.user.password });
    const r = await s.customer.next((u) => u.kind === 'elevate_result', 'the outcome');
    assert.deepEqual([r.ok, r.error], [false, 'not_allowed']);
    const ev = await s.event((e) => e.body.kind === 'elevation', 'the failure');
    assert.deepEqual(ev.body, { kind: 'elevation', result: 'failed', method: 'sudo', error: 'not_allowed' });
  });

  it('USR-12, USR-14: a rep without the elevation right cannot ask for it; the customer cannot report an elevation never granted', async () => {
    const s = await setUp({ elevationRight: false });
    const ws = await repConsole(broker, s.rep);
    cleanups.push(async () => void (await ws.close()));
    const r = await ws.call({ type: 'session.request_permission', lsid: s.lsid, permission: 'elevation' });
    assert.equal(r.code, 'forbidden');
    assert.match(r.message, /elevation/);
    assert.ok(!s.events.some((e) => e.body.kind === 'permission_requested' && e.body.permission === 'elevation'));
  });

  it('JMP-6, CON-8: a client that cannot elevate (a user-mode Jump Client, the same tools without "elevation") is refused by the broker with a clear reason', async () => {
    const rep = await createRep(admin, { permissions: { promptAttended: 'never', elevation: true } });
    const ws = await repConsole(broker, rep);
    cleanups.push(async () => (await ws.close(), await rep.api.close()));
    const session = new CustomerSession({ brokerUrl: broker.url, pin: broker.fingerprint, join: { kind: 'rep', rep: String(rep.id) }, customer: { name: 'Jump', computerName: 'srv-user-mode' }, capabilities: capabilities() });
    cleanups.push(() => session.close());
    const lsid = await new Promise<string>((resolve) => (session.once('welcome', (w) => resolve(w.lsid)), session.start()));
    const accepted = await ws.call({ type: 'session.accept', lsid });
    assert.equal(accepted.type, 'reply', JSON.stringify(accepted));
    const r = await ws.call({ type: 'session.request_permission', lsid, permission: 'elevation' });
    assert.equal(r.code, 'tool_unavailable');
    assert.match(r.message, /elevation/);
    // Nor may such a client claim it elevated: the broker needs the grant first.
    const refused = await new Promise<Update>((resolve) => {
      session.once('error', (e) => resolve(e as Update));
      session.elevation('elevated', 'sudo');
    });
    assert.equal(refused.code, 'permission_not_granted');
  });
});

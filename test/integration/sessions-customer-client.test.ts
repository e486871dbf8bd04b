import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { request } from 'node:http';
import { fetch } from 'undici';
import { createRep, type ApiClient, type TestBroker, brokerWithAdmin } from '../support/broker.ts';
import { CustomerProcess, TcpProxy } from '../support/customer-client.ts';
import { repConsole, repEvent, type RepSocket } from '../support/sessions.ts';
import { capabilities } from '../../src/endpoint/tools/index.ts';

const CUSTOMER_CLIENT_TOOLS: string[] = capabilities();
import { SessionPermission, permissionTool } from '../../src/protocol/sessions.ts';
import { CustomerApp } from '../../src/endpoint/customer/customer-app.ts';
import { CustomerSession } from '../../src/endpoint/customer/customer-session.ts';
import { startChatPage } from '../../src/endpoint/customer/chat-page.ts';
import { runTerminalUi } from '../../src/endpoint/customer/terminal-ui.ts';
import { PassThrough } from 'node:stream';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

describe('the customer client process (POR-3, CON-3, USR-13)', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  let rep: Awaited<ReturnType<typeof createRep>>;
  let repWs: RepSocket;
  const procs: CustomerProcess[] = [];

  brokerWithAdmin(async (b, a, defer) => {
    broker = b;
    admin = a;
    defer(async () => {
      for (const p of procs) await p.stop();
      await repWs.close();
      await rep.api.close();
    });
    rep = await createRep(admin, { displayName: 'Julie Rep' });
    repWs = await repConsole(broker, rep);
  }, { sessions: { resumeGraceMs: 20_000 } });

  function run(args: string[], opts: { stateDir?: string } = {}): CustomerProcess {
    const p = new CustomerProcess(args, opts);
    procs.push(p);
    return p;
  }

  async function accept(): Promise<string> {
    const upd = await repWs.next((m) => m.type === 'session.updated' && m.isNew && m.session.state === 'waiting', 'new session');
    assert.equal((await repWs.call({ type: 'session.accept', lsid: upd.session.lsid })).type, 'reply');
    return upd.session.lsid;
  }

  it('POR-3, CON-3, USR-13: joins by key with a pinned certificate, reports its computer, chats, and advertises only the tools it has', async () => {
    const key = (await rep.api.post('/api/v1/session-keys', {})).body.key;
    const p = run(['--broker', broker.url, '--key', key, '--pin', broker.fingerprint, '--name', 'Karim']);
    const page = (await p.line(/^Chat window: (http:\/\/127\.0\.0\.1:\d+\/\S+\/)$/))[1]!;
    await p.line(/^Connected \(session \d+\)/);
    const lsid = await accept();
    const summary = repWs.messages.findLast((m) => m.type === 'session.updated' && m.session.lsid === lsid)!.session;
    assert.equal(summary.customer.name, 'Karim');
    assert.ok(summary.customer.computerName.length > 0);
    assert.ok(summary.customer.os.length > 0);
    assert.ok(summary.customer.privateIp.length > 0);

    await repWs.chat(lsid, 'Bonjour Karim');
    await p.line(/^Julie Rep: Bonjour Karim$/);
    p.type('Bonjour, mon écran est noir');
    const chat = await repEvent(repWs, lsid, 'chat').then(() =>
      repWs.find((m) => m.type === 'session.event' && m.event.body.text === 'Bonjour, mon écran est noir', 'customer line'));
    assert.equal(chat.event.actor.name, 'Karim');

    // The loopback page: our own host and secret path only, with a strict CSP.
    const html = await fetch(page);
    assert.equal(html.status, 200);
    assert.match(html.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.match(await html.text(), /<script type="module" src="app.js">/);
    assert.equal((await fetch(page.replace(/\/[^/]+\/$/, '/wrong/'))).status, 404);
    const rebinding = await new Promise<number>((resolve, reject) => {
      const u = new URL(page);
      request({ host: u.hostname, port: u.port, path: u.pathname, headers: { host: 'evil.example' } }, (r) => resolve(r.statusCode ?? 0)).on('error', reject).end();
    });
    assert.equal(rebinding, 404, 'a page reached under another host name (DNS rebinding) answers nothing');

    // It advertises the tools it has handlers for, and its rep cannot ask for any other.
    assert.deepEqual(summary.capabilities, CUSTOMER_CLIENT_TOOLS);
    for (const permission of SessionPermission.options.filter((x) => x !== 'elevation' && !CUSTOMER_CLIENT_TOOLS.includes(permissionTool[x]))) {
      assert.equal((await repWs.call({ type: 'session.request_permission', lsid, permission })).code, 'tool_unavailable', permission);
    }

    p.type('/end');
    await p.line(/^Session ended\. You ended the session\.$/); // words, not the reason code (issue 9 item 9)
    assert.equal(await p.exited, 0);
  });

  it('USR-13: a client with a tool shows the rep\'s request on its terminal and its page; the first answer counts', async () => {
    const key = (await rep.api.post('/api/v1/session-keys', {})).body.key;
    const session = new CustomerSession({ brokerUrl: broker.url, pin: broker.fingerprint, join: { kind: 'key', key }, customer: { name: 'Nour' }, capabilities: ['screen'] });
    const app = new CustomerApp(session, false);
    const input = new PassThrough();
    const output = new PassThrough();
    const lines: string[] = [];
    output.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
    const stop = runTerminalUi(app, input, output);
    const page = await startChatPage(app);
    const printed = (re: RegExp) => new Promise<void>((resolve) => {
      const check = () => (lines.some((l) => re.test(l)) ? resolve() : setImmediate(check));
      check();
    });
    try {
      session.start();
      const lsid = await accept();
      await repWs.call({ type: 'session.request_permission', lsid, permission: 'screen_view' });
      await printed(/^\? Julie Rep asks to view your screen\. Allow\? \[y\/n\]$/);
      input.write('n\n');
      await repEvent(repWs, lsid, 'permission_denied');
      await repWs.call({ type: 'session.request_permission', lsid, permission: 'screen_view' });
      const requestId = (await repWs.find((m) => m.type === 'session.event' && m.lsid === lsid && m.event.body.kind === 'permission_requested' && app.prompts.has(m.event.body.requestId), 'second request')).event.body.requestId;
      // Answered from the page this time; the terminal's late answer is not sent.
      const res = await fetch(`${page.url}consent`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requestId, granted: true }) });
      assert.equal(res.status, 200);
      await repEvent(repWs, lsid, 'permission_granted');
      await printed(/^\* Granted: view your screen\.$/);
      const again = await fetch(`${page.url}consent`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requestId, granted: false }) });
      assert.equal(again.status, 409);
      session.end();
      await new Promise((resolve) => session.once('ended', resolve));
    } finally {
      stop();
      await page.close();
      session.close();
    }
  });

  it('fault: the network drops mid-chat; the client resumes the same session, nothing lost or doubled', async () => {
    const proxy = await TcpProxy.start(broker.port);
    try {
      const p = run(['--broker', `https://127.0.0.1:${proxy.port}`, '--rep', rep.username, '--pin', broker.fingerprint, '--name', 'Lina']);
      await p.line(/^Connected/);
      const lsid = await accept();
      p.type('avant la coupure');
      await repWs.find((m) => m.type === 'session.event' && m.lsid === lsid && m.event.body.text === 'avant la coupure', 'line 1');

      proxy.cut();
      await repEvent(repWs, lsid, 'customer_disconnected');
      await repWs.chat(lsid, 'message pendant la coupure');
      p.type('tapé pendant la coupure');
      await p.line(/^Connection restored\.$/, 15_000);
      await p.line(/^Julie Rep: message pendant la coupure$/);
      await repWs.find((m) => m.type === 'session.event' && m.lsid === lsid && m.event.body.text === 'tapé pendant la coupure', 'queued line');
      await repWs.chat(lsid, 'après');
      await p.line(/^Julie Rep: après$/);

      const log = (await admin.get(`/api/v1/sessions/${lsid}/events`)).body.events;
      const chats = log.filter((e: any) => e.body.kind === 'chat').map((e: any) => e.body.text);
      assert.deepEqual(chats, ['avant la coupure', 'message pendant la coupure', 'tapé pendant la coupure', 'après']);
      assert.equal(p.lines.filter((l) => l === 'Julie Rep: message pendant la coupure').length, 1, 'shown once');
      assert.deepEqual(log.map((e: any) => e.seq), log.map((_: unknown, i: number) => i + 1));
      p.type('/end');
      assert.equal(await p.exited, 0);
    } finally {
      await proxy.close();
    }
  });

  it('refuses a site whose certificate does not match the pin, before sending anything', async () => {
    const before = (await repWs.call({ type: 'queue.get' })).sessions.length;
    const p = run(['--broker', broker.url, '--connect', '--pin', 'AA:'.repeat(31) + 'AA']);
    await p.line(/does not match the expected one/);
    assert.equal(await p.exited, 1);
    assert.equal((await repWs.call({ type: 'queue.get' })).sessions.length, before);
  });

  it('USR-13: --yes is refused where the site does not allow it, and the customer is asked instead', async () => {
    const p = run(['--broker', broker.url, '--connect', '--pin', broker.fingerprint, '--yes']);
    await p.line(/does not allow automatic approval/);
    await accept();
    p.type('/end');
    assert.equal(await p.exited, 0);
    // The same client with a tool: the request is put to the customer, not approved by itself.
    const session = new CustomerSession({ brokerUrl: broker.url, pin: broker.fingerprint, join: { kind: 'connect' }, customer: {}, capabilities: ['file'] });
    const app = new CustomerApp(session, true);
    try {
      session.start();
      const lsid = await accept();
      const prompted = new Promise<string>((resolve) => app.on('update', (u) => u.kind === 'prompt' && resolve(u.prompt.requestId)));
      await repWs.call({ type: 'session.request_permission', lsid, permission: 'file_transfer' });
      const prompt = await prompted;
      assert.ok(app.answer(prompt, true));
      await repEvent(repWs, lsid, 'permission_granted');
      session.end();
      await new Promise((resolve) => session.once('ended', resolve));
    } finally {
      session.close();
    }
  });

  it('USR-13: a rep whose prompt setting is "never" gets the permission and the customer client shows no prompt (none to answer late)', async () => {
    const never = await createRep(admin, { displayName: 'Rep Never', permissions: { promptAttended: 'never', fileTransfer: true } });
    const ws = await repConsole(broker, never);
    const session = new CustomerSession({ brokerUrl: broker.url, pin: broker.fingerprint, join: { kind: 'rep', rep: String(never.id) }, customer: { name: 'Sami' }, capabilities: ['file'] });
    const app = new CustomerApp(session, false);
    const seen: string[] = [];
    app.on('update', (u) => {
      if (u.kind === 'prompt') seen.push(`prompt ${u.prompt.permission}`);
      if (u.kind === 'error') seen.push(`error ${u.code}`);
    });
    const granted = new Promise<void>((resolve) => app.on('update', (u) => u.kind === 'event' && u.event.body.kind === 'permission_granted' && resolve()));
    try {
      session.start();
      const upd = await ws.next((m) => m.type === 'session.updated' && m.isNew && m.session.state === 'waiting', 'new session');
      const lsid = upd.session.lsid as string;
      assert.equal((await ws.call({ type: 'session.accept', lsid })).type, 'reply');
      await ws.call({ type: 'session.request_permission', lsid, permission: 'file_transfer' });
      const requested = await repEvent(ws, lsid, 'permission_requested');
      assert.equal(requested.event.body.byPolicy, true, 'the request says policy grants it');
      await granted;
      assert.ok(app.grants.has('file_transfer'));
      assert.deepEqual(seen, [], 'no prompt, and no error from answering one');
      assert.equal(app.oldestPrompt(), undefined);
      session.end();
      await new Promise((resolve) => session.once('ended', resolve));
    } finally {
      session.close();
      await ws.close();
      await never.api.close();
    }
  });

  it('CON-3: the terminal client refuses a line over the limit with a message, instead of cutting it', async () => {
    const p = run(['--broker', broker.url, '--connect', '--pin', broker.fingerprint, '--name', 'Tom']);
    await p.line(/^Connected/);
    const lsid = await accept();
    p.type('x'.repeat(4100));
    await p.line(/^! Not sent: 4100 characters; a message may have at most 4000\./);
    p.type('y'.repeat(4000));
    const line = await repWs.find((m) => m.type === 'session.event' && m.lsid === lsid && m.event.body.kind === 'chat', 'the 4000-character line');
    assert.equal(line.event.body.text, 'y'.repeat(4000));
    assert.ok(!repWs.messages.some((m) => m.type === 'session.event' && m.lsid === lsid && m.event.body.text?.startsWith('x')), 'the long line was not sent cut');
    p.type('/end');
    assert.equal(await p.exited, 0);
  });

  it('CON-3: a customer client killed with SIGKILL resumes by itself when started again; the saved session is private and gone at the end (issue 9 item 2)', async () => {
    const key = (await rep.api.post('/api/v1/session-keys', {})).body.key as string;
    const first = run(['--broker', broker.url, '--key', key, '--pin', broker.fingerprint, '--name', 'Inès']);
    await first.line(/^Connected/);
    const lsid = await accept();
    await repWs.chat(lsid, 'avant le crash');
    await first.line(/avant le crash/);
    const file = join(first.stateDir, 'passerelle', 'customer-session.json');
    assert.equal(statSync(file).mode & 0o777, 0o600, 'only its user can read it');
    assert.equal(statSync(join(first.stateDir, 'passerelle')).mode & 0o777, 0o700);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).lsid, lsid);
    first.child.kill('SIGKILL');
    await first.exited;
    // Run again the same way (the key is used up now): it resumes the same session.
    const again = run(['--broker', broker.url, '--key', key, '--pin', broker.fingerprint, '--name', 'Inès'], { stateDir: first.stateDir });
    await again.line(/^Resuming your support session…$/);
    await again.line(/avant le crash/);
    await repWs.chat(lsid, 'après le crash');
    await again.line(/après le crash/);
    again.type('toujours là');
    await repWs.find((m) => m.type === 'session.event' && m.lsid === lsid && m.event.body.text === 'toujours là', 'the resumed client\'s line');
    again.type('/end');
    assert.equal(await again.exited, 0);
    assert.equal(existsSync(file), false, 'the saved session is removed when the session ends');
  });

  it('an invalid key ends the client with a clear message and a failure status', async () => {
    const p = run(['--broker', broker.url, '--key', '123 123 123', '--pin', broker.fingerprint]);
    await p.line(/This session key is not valid or has expired: ask your support representative for a new one\./);
    assert.equal(await p.exited, 1);
  });

  it('CON-3: errors say what to do: an impossible key, no --pin on a self-signed site, a wrong pin (issue 9 item 10)', async () => {
    const huge = run(['--broker', broker.url, '--key', '1'.repeat(5000), '--pin', broker.fingerprint]);
    assert.equal(await huge.exited, 1);
    assert.match(huge.stderr, /A session key is 9 digits, such as 123 456 789: ask your support representative for yours/);
    assert.equal(huge.stderr.match(/validation_failed|too big/gi), null, 'one clear error, not protocol errors');

    const noPin = run(['--broker', broker.url, '--key', '123 123 123']);
    await noPin.line(/not one this computer trusts \(it is self-signed\)\. Run the exact command your support site shows, with its --pin/);
    assert.equal(await noPin.exited, 1);

    const wrongPin = run(['--broker', broker.url, '--key', '123 123 123', '--pin', `${'AA:'.repeat(31)}AA`]);
    await wrongPin.line(/does not match the expected one; not connecting/);
    await wrongPin.line(/^Session ended\. Not connected: the site is not the one this client was given\.$/);
    assert.equal(await wrongPin.exited, 1);
    for (const p of [noPin, wrongPin]) {
      const all = p.lines.join('\n');
      assert.doesNotMatch(all, /WebSocket was closed/, 'no spurious socket error');
      assert.doesNotMatch(all, /Session ended \(/, 'no raw reason code');
    }
  });
});

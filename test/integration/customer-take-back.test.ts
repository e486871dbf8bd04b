// The customer sees that a rep views or controls the screen, and takes control back at once
// (CON-4, USR-11, USR-13): from the chat page's button and from the terminal's Esc key. Real
// broker, real console-core for the rep, the real customer app (its tools on a real Xvfb).
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fetch } from 'undici';
import { CustomerApp, type LiveState } from '../../src/endpoint/customer/customer-app.ts';
import { CustomerSession } from '../../src/endpoint/customer/customer-session.ts';
import { startChatPage, type ChatPage } from '../../src/endpoint/customer/chat-page.ts';
import { runTerminalUi } from '../../src/endpoint/customer/terminal-ui.ts';
import { capabilities } from '../../src/endpoint/tools/index.ts';
import { encodeChannelJson } from '../../src/protocol/remote-control.ts';
import type { Channel } from '../../src/protocol/channel-endpoint.ts';
import type { SessionEvent } from '../../src/protocol/index.ts';
import { adminClient, createRep, startTestBroker, type ApiClient, type TestBroker } from '../support/broker.ts';
import { repCore, waitForQueue, type Core } from '../support/channels.ts';
import { startXvfb, type XDisplay } from '../support/x-display.ts';

describe('the customer takes control back (CON-4, USR-11)', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  let x: XDisplay;
  let rep: Awaited<ReturnType<typeof createRep>>;
  let core: Core;
  let closeCore: () => Promise<void>;
  let app: CustomerApp;
  let session: CustomerSession;
  let page: ChatPage;
  let lsid: string;
  const stdin = new PassThrough();
  const lines: string[] = [];
  let stopTerminal: () => void;
  const savedDisplay = process.env.DISPLAY;

  const printed = (re: RegExp, from = 0) =>
    new Promise<string>((resolve) => {
      const check = () => {
        const l = lines.slice(from).find((s) => re.test(s));
        if (l) resolve(l);
        else setTimeout(check, 10);
      };
      check();
    });
  const liveIs = (pred: (l: LiveState) => boolean) =>
    new Promise<LiveState>((resolve) => {
      if (pred(app.live)) return resolve(app.live);
      const on = (u: { kind: string; live?: LiveState }) => {
        if (u.kind === 'live' && pred(u.live!)) {
          app.off('update', on);
          resolve(u.live!);
        }
      };
      app.on('update', on);
    });
  /** What the rep's console-core has seen of the session's log, as it arrives. */
  const seen: SessionEvent[] = [];
  const repSees = (pred: (e: SessionEvent) => boolean, from = 0) =>
    new Promise<SessionEvent>((resolve) => {
      const check = () => {
        const found = seen.slice(from).find(pred);
        if (found) resolve(found);
        else setTimeout(check, 10);
      };
      check();
    });
  const post = (path: string, body: unknown = {}) =>
    fetch(`${page.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  /** The rep asks for control, the customer allows it on the page, the rep opens its input channel. */
  async function getControl(): Promise<Channel> {
    const from = seen.length;
    await core.sessions.requestPermission(lsid, 'screen_control');
    const asked = await repSees((e) => e.body.kind === 'permission_requested' && e.body.permission === 'screen_control', from);
    const requestId = (asked.body as { requestId: string }).requestId;
    await new Promise<void>((resolve) => {
      const check = () => (app.prompts.has(requestId) ? resolve() : setTimeout(check, 10));
      check();
    });
    assert.equal((await post('consent', { requestId, granted: true })).status, 200);
    await waitForQueue(core, (q) => q.find((s) => s.lsid === lsid)?.grants.includes('screen_control') === true, 'control granted');
    const ch = await core.channels.open(lsid, 'input', {});
    await liveIs((l) => l.controlled && l.controlGranted);
    return ch;
  }

  before(async () => {
    x = await startXvfb({ width: 640, height: 480 });
    process.env.DISPLAY = x.display;
    broker = await startTestBroker();
    admin = await adminClient(broker);
    rep = await createRep(admin, { displayName: 'Julie Rep', permissions: { screenSharing: true, annotations: true } });
    ({ core, close: closeCore } = await repCore(broker, rep.username, rep.password));
    core.sessions.onEvent((n) => {
      if (n.lsid === lsid) seen.push(n.event);
    });
    session = new CustomerSession({ brokerUrl: broker.url, pin: broker.fingerprint, join: { kind: 'rep', rep: rep.username }, customer: { name: 'Karim' }, capabilities: capabilities() });
    app = new CustomerApp(session, false);
    const out = new PassThrough();
    out.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
    stopTerminal = runTerminalUi(app, stdin, out);
    page = await startChatPage(app);
    session.start();
    lsid = await new Promise<string>((resolve) => session.once('welcome', (w) => resolve(w.lsid)));
    await waitForQueue(core, (q) => q.some((s) => s.lsid === lsid), 'the session in the queue');
    await core.sessions.accept(lsid);
  });
  after(async () => {
    stopTerminal();
    if (!session.ended) session.end();
    await page.close();
    session.close();
    await closeCore();
    await rep.api.close();
    await admin.close();
    await broker.stop();
    await x.close();
    process.env.DISPLAY = savedDisplay;
  });

  it('CON-4, USR-11: the page says the screen is controlled; its "Take back control" closes the input channel at once and the log says so', async () => {
    const ch = await getControl();
    const shown = await printed(/is controlling your mouse and keyboard/);
    assert.match(shown, /^\*\*\* Julie Rep is controlling your mouse and keyboard\. .*Press Esc/);
    // The page's event stream opens with what is going on now.
    const sse = await fetch(`${page.url}events`);
    const reader = sse.body!.getReader();
    let text = '';
    while (!text.includes('"kind":"live"')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    assert.match(text, /"live":\{"viewed":false,"controlled":true,"annotated":false,"controlGranted":true,"reps":\["Julie Rep"\]\}/);
    await ch.write(encodeChannelJson({ t: 'move', x: 10, y: 10 }));

    const res = await post('takeback');
    assert.equal(res.status, 200);
    // Tools stop at once, before the broker answers: the grant is gone on the customer's side.
    assert.equal(app.live.controlGranted, false);
    assert.equal(await ch.closed, 'permission_revoked');
    const ev = await repSees((e) => e.body.kind === 'permission_revoked' && e.body.permission === 'screen_control');
    // The input tool logs the end of control once its channel is closed.
    await repSees((e) => e.body.kind === 'control_stopped');
    assert.equal(ev.actor.kind, 'customer');
    await liveIs((l) => !l.controlled && !l.controlGranted);
    await printed(/^\*\*\* Nobody is viewing or controlling your screen\. \*\*\*$/);
    await waitForQueue(core, (q) => q.find((s) => s.lsid === lsid)?.grants.includes('screen_control') === false, 'grant gone');
    await assert.rejects(core.channels.open(lsid, 'input', {}), /permission|granted/i, 'no new input channel without a new consent');
  });

  it('CON-4: the Esc key on the terminal takes control back the same way', async () => {
    const ch = await getControl();
    const from = lines.length;
    const evFrom = seen.length;
    stdin.write('\x1b');
    assert.equal(await ch.closed, 'permission_revoked');
    await printed(/^\* You took control back\.$/, from);
    await repSees((e) => e.body.kind === 'permission_revoked' && e.body.permission === 'screen_control', evFrom);
    // The end of control is logged once the input channel is closed: wait for it, so the log is settled.
    await repSees((e) => e.body.kind === 'control_stopped', evFrom);
    // Nothing leaked into the chat: the Esc byte is not a message.
    assert.ok(!seen.some((e) => e.body.kind === 'chat'));
  });

  it('bad input: taking back control that is not granted is refused (409) and changes nothing; a malformed body is a 400', async () => {
    const before = seen.length;
    assert.equal((await post('takeback')).status, 409);
    assert.equal((await post('takeback', { permission: 'shell' })).status, 400);
    const from = lines.length;
    stdin.write('/takeback\n');
    await printed(/^\* You have control: nobody else may use your mouse and keyboard\.$/, from);
    assert.equal(seen.length, before);
  });
});

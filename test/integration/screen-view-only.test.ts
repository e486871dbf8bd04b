// A view-only session cannot inject input, tried directly on the data path and not only through
// the console's UI (issue 13, "Done when"; CON-4, USR-13). Real broker, a raw rep console socket
// speaking frames, the real customer app with its real tools on Xvfb, and xev watching for any key
// or click that would reach the customer's display.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CustomerApp } from '../../src/endpoint/customer/customer-app.ts';
import { CustomerSession } from '../../src/endpoint/customer/customer-session.ts';
import { capabilities } from '../../src/endpoint/tools/index.ts';
import { encodeData } from '../../src/protocol/channels.ts';
import { encodeChannelJson } from '../../src/protocol/remote-control.ts';
import { adminClient, createRep, startTestBroker, type ApiClient, type TestBroker } from '../support/broker.ts';
import { repConsole, type RepSocket } from '../support/sessions.ts';
import { startXev, startXvfb, type XDisplay, type XevWatcher } from '../support/x-display.ts';

describe('view only: no input reaches the customer (CON-4, USR-13)', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  let x: XDisplay;
  let xev: XevWatcher;
  let raw: RepSocket;
  let session: CustomerSession;
  let app: CustomerApp;
  let lsid: string;
  let repApi: ApiClient;
  const savedDisplay = process.env.DISPLAY;

  before(async () => {
    x = await startXvfb({ width: 640, height: 480 });
    process.env.DISPLAY = x.display;
    xev = await startXev(x, '640x480+0+0');
    broker = await startTestBroker();
    admin = await adminClient(broker);
    // Granted by the rep's policy, so the test needs no prompt; only the screen view is asked for.
    const rep = await createRep(admin, { permissions: { screenSharing: true, promptAttended: 'never' } });
    repApi = rep.api;
    raw = await repConsole(broker, rep);
    session = new CustomerSession({ brokerUrl: broker.url, pin: broker.fingerprint, join: { kind: 'rep', rep: rep.username }, customer: { name: 'Vera' }, capabilities: capabilities() });
    app = new CustomerApp(session, false);
    session.start();
    lsid = await new Promise<string>((resolve) => session.once('welcome', (w) => resolve(w.lsid)));
    await raw.find((m) => m.type === 'session.updated' && m.session.lsid === lsid, 'queued');
    await raw.call({ type: 'session.accept', lsid });
    await raw.call({ type: 'session.request_permission', lsid, permission: 'screen_view' });
    await raw.find((m) => m.type === 'session.updated' && m.session.lsid === lsid && m.session.grants.includes('screen_view'), 'screen view granted');
  });
  after(async () => {
    if (!session.ended) session.end();
    session.close();
    await raw.close();
    await repApi.close();
    await admin.close();
    await broker.stop();
    xev.close();
    await x.close();
    process.env.DISPLAY = savedDisplay;
  });

  const nextError = (what: string) => raw.next((m) => m.type === 'error' && m.ref === undefined, what);

  it('CON-4, USR-13: an input channel is refused without the control grant', async () => {
    const r = await raw.call({ type: 'session.open_channel', lsid, kind: 'input', meta: {} });
    assert.equal(r.code, 'permission_not_granted', JSON.stringify(r));
    const clip = await raw.call({ type: 'session.open_channel', lsid, kind: 'clipboard', meta: {} });
    assert.equal(clip.code, 'permission_not_granted', 'the clipboard rides on control too');
    assert.equal(app.grants.has('screen_control'), false);
  });

  it('CON-4 bad input: input messages sent as frames on the screen channel, or on a channel id never opened, are refused and nothing is typed or clicked', async () => {
    const screen = await raw.call({ type: 'session.open_channel', lsid, kind: 'screen', meta: {} });
    assert.equal(typeof screen.channelId, 'number', JSON.stringify(screen));
    const key = encodeChannelJson({ t: 'key', keysym: 0x61, down: true });
    const click = encodeChannelJson({ t: 'button', button: 1, down: true, x: 100, y: 100 });
    // A channel id nobody opened (the next ones the broker would hand out, too).
    for (const id of [screen.channelId + 1, screen.channelId + 2, 9999]) {
      raw.ws.send(encodeData(id, 1, 0, 0, key));
      assert.equal((await nextError(`data on channel ${id}`)).code, 'permission_not_granted');
    }
    // The screen channel carries nothing from the console but credit: refused.
    raw.ws.send(encodeData(screen.channelId, 1, 0, 0, click));
    assert.equal((await nextError('data on the screen channel')).code, 'bad_request');
    // Nothing reached the display: a real key typed now is the first thing xev sees.
    await x.run('xdotool', ['mousemove', '50', '50', 'type', 'z']);
    assert.equal(await xev.typed(1), 'z');
    assert.doesNotMatch(xev.output, /ButtonPress/, 'no click reached the display');
  });
});

// Annotations through the real broker (CON-5, USR-11): the rep's strokes on the annotation channel
// appear on the customer's real X screen (Xvfb, captured), the session log says when they are shown
// and cleared, and nothing stays drawn after "clear", after the customer revokes the permission,
// or after the session ends. The customer side is the real customer app with its real tools.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CustomerApp } from '../../src/endpoint/customer/customer-app.ts';
import { CustomerSession } from '../../src/endpoint/customer/customer-session.ts';
import { capabilities } from '../../src/endpoint/tools/index.ts';
import { encodeChannelJson, type AnnotationMessage } from '../../src/protocol/remote-control.ts';
import type { Channel } from '../../src/protocol/channel-endpoint.ts';
import type { SessionEvent } from '../../src/protocol/index.ts';
import { adminClient, createRep, startTestBroker, type ApiClient, type TestBroker } from '../support/broker.ts';
import { repCore, waitForQueue, type Core } from '../support/channels.ts';
import { captureScreen, startXvfb, type XDisplay } from '../support/x-display.ts';

const RED = 0xff0000;
const BLACK = 0x000000;
const area = { x: 0, y: 0, width: 640, height: 480 };

describe('annotations through the broker (CON-5, USR-11)', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  let x: XDisplay;
  let rep: Awaited<ReturnType<typeof createRep>>;
  let core: Core;
  let closeCore: () => Promise<void>;
  const savedDisplay = process.env.DISPLAY;
  const seen: SessionEvent[] = [];
  const cleanups: (() => Promise<void> | void)[] = [];

  const repSees = (pred: (e: SessionEvent) => boolean, from = 0) =>
    new Promise<SessionEvent>((resolve) => {
      const check = () => {
        const found = seen.slice(from).find(pred);
        if (found) resolve(found);
        else setTimeout(check, 10);
      };
      check();
    });
  /** Polls the X screen until `px` at (100, 150) is what we expect (the overlay draws asynchronously). */
  const pixelBecomes = async (want: number) => {
    for (;;) {
      const v = (await captureScreen(x, area)).at(100, 150);
      if (v === want) return;
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  before(async () => {
    x = await startXvfb({ width: 640, height: 480 });
    process.env.DISPLAY = x.display;
    broker = await startTestBroker();
    admin = await adminClient(broker);
    rep = await createRep(admin, { displayName: 'Julie Rep', permissions: { screenSharing: true, annotations: true } });
    ({ core, close: closeCore } = await repCore(broker, rep.username, rep.password));
    core.sessions.onEvent((n) => seen.push(n.event));
  });
  after(async () => {
    for (const c of cleanups.reverse()) await c();
    await closeCore();
    await rep.api.close();
    await admin.close();
    await broker.stop();
    await x.close();
    process.env.DISPLAY = savedDisplay;
  });

  /** A customer with annotations allowed and the rep's annotation channel open. */
  async function annotating(): Promise<{ app: CustomerApp; session: CustomerSession; lsid: string; ch: Channel }> {
    const session = new CustomerSession({ brokerUrl: broker.url, pin: broker.fingerprint, join: { kind: 'rep', rep: rep.username }, customer: { name: 'Karim' }, capabilities: capabilities() });
    const app = new CustomerApp(session, false);
    cleanups.push(() => {
      if (!session.ended) session.end();
      session.close();
    });
    session.start();
    const lsid = await new Promise<string>((resolve) => session.once('welcome', (w) => resolve(w.lsid)));
    await waitForQueue(core, (q) => q.some((s) => s.lsid === lsid), 'the session in the queue');
    await core.sessions.accept(lsid);
    await core.sessions.requestPermission(lsid, 'annotations');
    const prompt = await new Promise<string>((resolve) => {
      const check = () => {
        const p = app.oldestPrompt();
        if (p) resolve(p.requestId);
        else setTimeout(check, 10);
      };
      check();
    });
    app.answer(prompt, true);
    await waitForQueue(core, (q) => q.find((s) => s.lsid === lsid)?.grants.includes('annotations') === true, 'annotations granted');
    const ch = await core.channels.open(lsid, 'annotation', {});
    return { app, session, lsid, ch };
  }
  const send = (ch: Channel, m: AnnotationMessage) => ch.write(encodeChannelJson(m));
  const rectangle = (id: string): AnnotationMessage => ({ t: 'stroke', stroke: { id, tool: 'rectangle', color: '#ff0000', width: 6, points: [[100, 100], [300, 200]] } });

  it('CON-5: a rectangle appears on the customer\'s screen, "clear" removes it, and the log says shown then cleared', async () => {
    const { ch, lsid, session } = await annotating();
    const from = seen.length;
    await send(ch, rectangle('r1'));
    await pixelBecomes(RED);
    const shownEv = await repSees((e) => e.body.kind === 'annotations_shown', from);
    assert.equal(shownEv.actor.kind, 'rep', 'credited to the rep who drew');
    await send(ch, { t: 'clear' });
    await pixelBecomes(BLACK);
    const clearedEv = await repSees((e) => e.body.kind === 'annotations_cleared', from);
    assert.deepEqual(clearedEv.body, { kind: 'annotations_cleared', reason: 'cleared' });
    // Drawn again, then the session ends: nothing stays on the customer's screen.
    await send(ch, rectangle('r2'));
    await pixelBecomes(RED);
    await core.sessions.end(lsid);
    assert.equal(await ch.closed, 'session_ended');
    await pixelBecomes(BLACK);
    await new Promise<void>((resolve) => (session.ended ? resolve() : session.once('ended', () => resolve())));
  });

  it('CON-5: when the customer revokes annotations, the drawing goes at once and the log says why', async () => {
    const { ch, app } = await annotating();
    const from = seen.length;
    await send(ch, rectangle('r3'));
    await pixelBecomes(RED);
    app.revoke('annotations');
    assert.equal(await ch.closed, 'permission_revoked');
    await pixelBecomes(BLACK);
    const ev = await repSees((e) => e.body.kind === 'annotations_cleared', from);
    assert.deepEqual(ev.body, { kind: 'annotations_cleared', reason: 'permission_revoked' });
    await repSees((e) => e.body.kind === 'permission_revoked' && e.body.permission === 'annotations', from);
  });

  it('bad input: a stroke out of bounds, malformed JSON and an unknown tool are refused without crashing; the next good stroke still draws', async () => {
    const { ch } = await annotating();
    await ch.write(new TextEncoder().encode('{not json'));
    await send(ch, { t: 'stroke', stroke: { id: 'bad', tool: 'rectangle', color: '#ff0000', width: 6, points: [[100, 100], [1e9, 200]] } } as AnnotationMessage);
    await send(ch, { t: 'stroke', stroke: { id: 'bad2', tool: 'spray', color: '#ff0000', width: 6, points: [[1, 1]] } } as unknown as AnnotationMessage);
    await send(ch, rectangle('ok'));
    await pixelBecomes(RED);
    await send(ch, { t: 'clear' });
    await pixelBecomes(BLACK);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRep, type ApiClient, type TestBroker } from '../support/broker.ts';
import { CustomerSocket, repConsole, repEvent, RepSocket, brokerWithRepConsole, type RepConsoleSetup } from '../support/sessions.ts';

const GRACE_MS = 1500;

describe('resilience: dropped connections resume with nothing lost or doubled', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  let rep: RepConsoleSetup['rep'];
  let repWs: RepSocket;

  brokerWithRepConsole((s) => ({ broker, admin, rep, repWs } = s), { broker: { sessions: { resumeGraceMs: GRACE_MS } } });

  async function start() {
    const c = await CustomerSocket.join(broker, { kind: 'rep', rep: rep.username }, { name: 'Inès' });
    const w = await c.welcome();
    await repWs.find((m) => m.type === 'session.updated' && m.session.lsid === w.lsid, 'queued');
    await repWs.call({ type: 'session.accept', lsid: w.lsid });
    return { c, w, lsid: w.lsid as string };
  }

  const lastSeqOf = (c: CustomerSocket) => Math.max(0, ...c.messages.filter((m) => m.type === 'event').map((m) => m.event.seq as number));

  it('fault: the customer\'s connection dies mid-chat; it resumes, gets what it missed once, and its unacknowledged line is not doubled', async () => {
    const { c, w, lsid } = await start();
    assert.equal((await c.chat('ligne 1')).type, 'ack');
    await repEvent(repWs, lsid, 'chat');
    const seen = lastSeqOf(c);
    // The line is written before the connection dies: the broker takes it, the ack never arrives.
    c.send({ type: 'chat', cid: 2, text: 'ligne 2' });
    await repWs.find((m) => m.type === 'session.event' && m.lsid === lsid && m.event.body.text === 'ligne 2', 'line 2 at the rep');
    c.ws.terminate();
    await repEvent(repWs, lsid, 'customer_disconnected');
    assert.equal((await repWs.chat(lsid, 'pendant la coupure')).type, 'reply');

    const back = await CustomerSocket.join(broker, { kind: 'resume', lsid, resumeToken: w.resumeToken, lastSeq: seen }, {});
    const again = await back.welcome();
    assert.equal(again.type, 'welcome', JSON.stringify(again));
    assert.equal(again.resumed, true);
    assert.equal(again.lastCid, 2, 'the broker says it took message 2');
    back.cid = 2;
    // A client that resends anyway gets the original event back, not a second line.
    back.send({ type: 'chat', cid: 2, text: 'ligne 2' });
    const dup = await back.find((m) => m.type === 'ack' && m.cid === 2, 'dup ack');
    assert.equal(dup.duplicate, true);
    await back.event('customer_reconnected');
    assert.equal((await back.chat('ligne 3')).type, 'ack');

    const missed = back.messages.filter((m) => m.type === 'event').map((m) => m.event.seq as number);
    assert.deepEqual(missed, [...new Set(missed)], 'no event twice');
    assert.equal(missed[0], seen + 1, 'starts right after what the customer had');
    const texts = back.messages.filter((m) => m.type === 'event' && m.event.body.kind === 'chat').map((m) => m.event.body.text);
    assert.deepEqual(texts, ['ligne 2', 'pendant la coupure', 'ligne 3']);

    const log = await admin.get(`/api/v1/sessions/${lsid}/events`);
    const kinds = log.body.events.map((e: any) => e.body.kind);
    assert.deepEqual(kinds, ['session_started', 'rep_joined', 'chat', 'chat', 'customer_disconnected', 'chat', 'customer_reconnected', 'chat']);
    assert.deepEqual(log.body.events.map((e: any) => e.seq), kinds.map((_: string, i: number) => i + 1), 'contiguous numbers');
    await back.action({ type: 'end' });
  });

  it('the rep console reconnects and reads what it missed from the log', async () => {
    const { c, lsid } = await start();
    const seen = Math.max(...repWs.messages.filter((m) => m.type === 'session.event' && m.lsid === lsid).map((m) => m.event.seq as number));
    await repWs.close();
    await c.chat('vous êtes là ?');
    const desktop = new (await import('../support/broker.ts')).ApiClient(broker);
    const token = (await desktop.login(rep.username, rep.password, 'desktop')).body.token;
    repWs = await RepSocket.connect(broker, token);
    const snapshot = repWs.messages.find((m) => m.type === 'queue.snapshot')!;
    assert.ok(snapshot.sessions.some((s: any) => s.lsid === lsid && s.state === 'active'), 'still mine');
    const history = await repWs.call({ type: 'session.history', lsid, afterSeq: seen });
    assert.deepEqual(history.events.map((e: any) => e.body.text), ['vous êtes là ?']);
    assert.equal((await repWs.chat(lsid, 'oui')).type, 'reply');
    await c.action({ type: 'end' });
    repWs.closed.then(() => desktop.close()).catch(() => undefined);
  });

  it('after the grace period the session ends cleanly and says why; the resume token no longer works', async () => {
    const { c, w, lsid } = await start();
    c.ws.terminate();
    const ended = await repWs.find((m) => m.type === 'session.event' && m.lsid === lsid && m.event.body.kind === 'session_ended', 'end', GRACE_MS + 3000);
    assert.equal(ended.event.body.reason, 'customer_connection_lost');
    await repWs.find((m) => m.type === 'session.removed' && m.lsid === lsid, 'removed');
    const late = await CustomerSocket.join(broker, { kind: 'resume', lsid, resumeToken: w.resumeToken, lastSeq: 0 });
    assert.equal((await late.welcome()).code, 'resume_expired');
    const record = await broker.services.store.getSupportSession(lsid);
    assert.equal(record?.state, 'ended');
    assert.equal(record?.endReason, 'customer_connection_lost');
  });

  it('a rep who does not come back leaves; as the only rep, the session ends and the customer is told why', async () => {
    const other = await createRep(admin);
    const ws = await repConsole(broker, other);
    const c = await CustomerSocket.join(broker, { kind: 'rep', rep: other.username });
    const { lsid } = await c.welcome();
    await ws.find((m) => m.type === 'session.updated' && m.session.lsid === lsid, 'queued');
    await ws.call({ type: 'session.accept', lsid });
    ws.ws.terminate();
    const ended = await c.event('session_ended', GRACE_MS + 3000);
    assert.equal(ended.event.body.reason, 'rep_connection_lost');
    assert.equal((await c.closed).code, 4000);
    await other.api.close();
  });

  it('POR-1: a customer waiting for a rep who leaves the console moves to the general queue after the grace period', async () => {
    const gone = await createRep(admin);
    const ws = await repConsole(broker, gone);
    const c = await CustomerSocket.join(broker, { kind: 'rep', rep: gone.username });
    const { lsid } = await c.welcome();
    await ws.find((m) => m.type === 'session.updated' && m.session.lsid === lsid, 'queued');
    ws.ws.terminate();
    const moved = await c.event('requeued', GRACE_MS + 3000);
    assert.deepEqual(moved.event.body.queue, { kind: 'general' });
    const upd = await repWs.find((m) => m.type === 'session.updated' && m.session.lsid === lsid && m.session.queue.kind === 'general', 'in the general queue');
    assert.equal(upd.session.state, 'waiting');
    await c.action({ type: 'end' });
    await gone.api.close();
  });

  it('a forged resume token is refused', async () => {
    const { c, lsid } = await start();
    const forged = await CustomerSocket.join(broker, { kind: 'resume', lsid, resumeToken: 'x'.repeat(32), lastSeq: 0 });
    assert.equal((await forged.welcome()).code, 'resume_expired');
    await c.action({ type: 'end' });
  });
});

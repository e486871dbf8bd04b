// The session log of what a rep did with the file and shell tools: the customer's client reports
// each transfer, file operation and shell transcript; the broker writes it as done by the rep who
// opened the channel, and only for a channel of that session opened with the tool's permission.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRep, type ApiClient, type TestBroker, brokerWithAdmin } from '../support/broker.ts';
import { CustomerSocket, repConsole, repEvent, type RepSocket } from '../support/sessions.ts';

describe('tool events in the session log (CON-6, CON-7)', { timeout: 60_000 }, () => {
  let broker: TestBroker;
  let admin: ApiClient;
  const closers: (() => Promise<unknown>)[] = [];

  async function session(permissions: Record<string, unknown>) {
    const r = await createRep(admin, { permissions: { promptAttended: 'never', ...permissions } });
    const ws: RepSocket = await repConsole(broker, r);
    closers.push(() => ws.close(), () => r.api.close());
    const c = await CustomerSocket.join(broker, { kind: 'rep', rep: String(r.id) }, { name: 'Gaby' });
    const w = await c.welcome();
    closers.push(() => c.close());
    await ws.find((m) => m.type === 'session.updated' && m.session.lsid === w.lsid, 'queued');
    assert.equal((await ws.call({ type: 'session.accept', lsid: w.lsid })).type, 'reply');
    return { r, ws, c, lsid: w.lsid as string };
  }

  brokerWithAdmin(async (b, a, defer) => {
    broker = b;
    admin = a;
    defer(async () => {
      for (const c of closers.reverse()) await c();
    });
  });

  const transfer = { kind: 'file_transfer', direction: 'download', path: 'Documents/rapport été.pdf', name: 'rapport été.pdf', size: 12, sha256: 'a'.repeat(64), result: 'completed' };

  it('CON-6: a transfer on a file channel is logged as done by the rep who opened it, seen by rep and customer', async () => {
    const { r, ws, c, lsid } = await session({ fileTransfer: true });
    assert.equal((await ws.call({ type: 'session.request_permission', lsid, permission: 'file_transfer' })).type, 'reply');
    await repEvent(ws, lsid, 'permission_granted');
    const opened = await ws.call({ type: 'session.open_channel', lsid, kind: 'file' });
    assert.equal(opened.type, 'reply');
    const ack = await c.action({ type: 'tool_event', channelId: opened.channelId, body: transfer });
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    const logged = await repEvent(ws, lsid, 'file_transfer');
    assert.equal(logged.event.actor.kind, 'rep');
    assert.equal(logged.event.actor.userId, r.id);
    assert.deepEqual(logged.event.body, transfer);
    assert.equal((await c.event('file_transfer')).event.body.sha256, transfer.sha256, 'the customer sees what is transferred');
    const { events } = await r.api.get(`/api/v1/sessions/${lsid}/events`).then((x: any) => x.body ?? x);
    assert.ok(events.some((e: any) => e.body.kind === 'file_transfer' && e.body.name === 'rapport été.pdf'), 'kept in the log');
    // After a revoke the channel is closed but its last events (the interrupted transfer) still count.
    await c.action({ type: 'revoke', permission: 'file_transfer' });
    assert.equal((await c.action({ type: 'tool_event', channelId: opened.channelId, body: { ...transfer, result: 'interrupted' } })).type, 'ack');
  });

  it('CON-6: a tool event for a channel that is not this session\'s, or of another tool, is refused (permission_not_granted)', async () => {
    const a = await session({ fileTransfer: true });
    const b = await session({ fileTransfer: true });
    await b.ws.call({ type: 'session.request_permission', lsid: b.lsid, permission: 'file_transfer' });
    await repEvent(b.ws, b.lsid, 'permission_granted');
    const other = await b.ws.call({ type: 'session.open_channel', lsid: b.lsid, kind: 'file' });
    assert.equal((await a.c.action({ type: 'tool_event', channelId: other.channelId, body: transfer })).code, 'permission_not_granted', 'another session\'s channel');
    assert.equal((await a.c.action({ type: 'tool_event', channelId: 999_999, body: transfer })).code, 'permission_not_granted', 'no such channel');
    assert.equal((await b.c.action({ type: 'tool_event', channelId: other.channelId, body: { kind: 'shell_opened', shellId: 'x', shell: '/bin/sh', cols: 80, rows: 24 } })).code, 'permission_not_granted', 'a shell event on a file channel');
    const bad = await b.c.action({ type: 'tool_event', channelId: other.channelId, body: { ...transfer, sha256: 'nope' } });
    assert.equal(bad.code, 'validation_failed');
  });

  it('CON-7: a flood of transcript events is held to its own allowance, chat stays usable', async () => {
    const { ws, c, lsid } = await session({ shell: true });
    await ws.call({ type: 'session.request_permission', lsid, permission: 'shell' });
    await repEvent(ws, lsid, 'permission_granted');
    const opened = await ws.call({ type: 'session.open_channel', lsid, kind: 'shell' });
    const acks = await Promise.all(Array.from({ length: 150 }, (_, i) => c.action({ type: 'tool_event', channelId: opened.channelId, body: { kind: 'shell_transcript', shellId: 's', stream: 'output', text: `line ${i}` } })));
    assert.ok(acks.every((a) => a.type === 'ack'), 'within the burst');
    assert.equal((await c.chat('still here')).type, 'ack');
  });
});

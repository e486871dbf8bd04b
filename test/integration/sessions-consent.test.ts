import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRep, type ApiClient, type TestBroker, brokerWithAdmin } from '../support/broker.ts';
import { CustomerSocket, repConsole, repEvent, type RepSocket } from '../support/sessions.ts';

describe('consent and click-to-chat (USR-13, USR-14, POR-5)', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  const reps: { rep: Awaited<ReturnType<typeof createRep>>; ws: RepSocket }[] = [];

  async function rep(fields: Record<string, unknown>) {
    const r = await createRep(admin, fields);
    const ws = await repConsole(broker, r);
    reps.push({ rep: r, ws });
    return { ...r, ws };
  }

  async function acceptedSession(ws: RepSocket, userId: number, client = 'customer_client', capabilities?: string[]) {
    const c = await CustomerSocket.join(broker, { kind: 'rep', rep: String(userId) }, { name: 'Gaby' }, client, capabilities);
    const w = await c.welcome();
    assert.equal(w.type, 'welcome', JSON.stringify(w));
    await ws.find((m) => m.type === 'session.updated' && m.session.lsid === w.lsid, 'queued');
    assert.equal((await ws.call({ type: 'session.accept', lsid: w.lsid })).type, 'reply');
    return { c, lsid: w.lsid as string, welcome: w };
  }

  brokerWithAdmin(async (b, a, defer) => {
    broker = b;
    admin = a;
    defer(async () => {
      for (const r of reps) {
        await r.ws.close();
        await r.rep.api.close();
      }
    });
  });

  it('USR-13: the customer is asked before any access, can refuse, grant and revoke; the broker refuses what was not granted', async () => {
    const r = await rep({ permissions: { promptAttended: 'always' } });
    const { c, lsid } = await acceptedSession(r.ws, r.id);
    assert.equal((await r.ws.call({ type: 'session.open_channel', lsid, kind: 'screen' })).code, 'permission_not_granted');

    const asked = await r.ws.call({ type: 'session.request_permission', lsid, permission: 'screen_view' });
    assert.equal(asked.type, 'reply');
    const prompt = await c.event('permission_requested');
    assert.equal(prompt.event.body.permission, 'screen_view');
    assert.equal((await c.action({ type: 'consent', requestId: prompt.event.body.requestId, granted: false })).type, 'ack');
    await repEvent(r.ws, lsid, 'permission_denied');
    assert.equal((await r.ws.call({ type: 'session.open_channel', lsid, kind: 'screen' })).code, 'permission_not_granted');

    await r.ws.call({ type: 'session.request_permission', lsid, permission: 'screen_view' });
    const second = await c.find((m) => m.type === 'event' && m.event.body.kind === 'permission_requested' && m.event.body.requestId !== prompt.event.body.requestId, 'second prompt');
    // Without the site's leave, a client cannot approve by itself (--yes).
    assert.equal((await c.action({ type: 'consent', requestId: second.event.body.requestId, granted: true, auto: true })).code, 'forbidden');
    assert.equal((await c.action({ type: 'consent', requestId: second.event.body.requestId, granted: true })).type, 'ack');
    const granted = await repEvent(r.ws, lsid, 'permission_granted');
    assert.equal(granted.event.body.by, 'customer');
    const channel = await r.ws.call({ type: 'session.open_channel', lsid, kind: 'screen' });
    assert.equal(channel.type, 'reply');
    assert.ok(channel.channelId >= 1);

    assert.equal((await c.action({ type: 'revoke', permission: 'screen_view' })).type, 'ack');
    await repEvent(r.ws, lsid, 'permission_revoked');
    assert.equal((await r.ws.call({ type: 'session.open_channel', lsid, kind: 'screen' })).code, 'permission_not_granted');
    assert.equal((await c.action({ type: 'revoke', permission: 'screen_view' })).code, 'out_of_order', 'nothing left to revoke');
    await c.action({ type: 'end' });
  });

  it('USR-14: a rep without a permission cannot even ask for it', async () => {
    const r = await rep({ permissions: { screenSharing: false, fileTransfer: false } });
    const { c, lsid } = await acceptedSession(r.ws, r.id);
    const res = await r.ws.call({ type: 'session.request_permission', lsid, permission: 'screen_control' });
    assert.equal(res.code, 'forbidden');
    assert.match(res.message, /screenSharing/);
    assert.equal((await r.ws.call({ type: 'session.request_permission', lsid, permission: 'file_transfer' })).code, 'forbidden');
    assert.equal((await r.ws.call({ type: 'session.request_permission', lsid, permission: 'annotations' })).type, 'reply');
    // CON-7: the shell has its own right; screen sharing does not give it.
    const shell = await r.ws.call({ type: 'session.request_permission', lsid, permission: 'shell' });
    assert.equal(shell.code, 'forbidden');
    assert.match(shell.message, /"shell"/);
    // USR-12: elevation needs its own right.
    const elevation = await r.ws.call({ type: 'session.request_permission', lsid, permission: 'elevation' });
    assert.equal(elevation.code, 'forbidden');
    assert.match(elevation.message, /elevation/);
    await c.action({ type: 'end' });
  });

  it('USR-13, USR-14: the client says which tools it has; the broker keeps them in the summary and refuses a request for a tool it lacks', async () => {
    const r = await rep({ permissions: { promptAttended: 'never', shell: true } });
    const { c, lsid } = await acceptedSession(r.ws, r.id, 'customer_client', ['screen', 'screen']);
    const summary = await r.ws.find((m) => m.type === 'session.updated' && m.session.lsid === lsid && m.session.state === 'active', 'accepted');
    assert.deepEqual(summary.session.capabilities, ['screen']);
    for (const permission of ['file_transfer', 'shell', 'screen_control', 'annotations']) {
      const res = await r.ws.call({ type: 'session.request_permission', lsid, permission });
      assert.equal(res.code, 'tool_unavailable', permission);
      assert.match(res.message, /cannot do/);
    }
    assert.equal((await r.ws.call({ type: 'session.request_permission', lsid, permission: 'screen_view' })).type, 'reply');
    assert.ok(!c.messages.some((m) => m.type === 'event' && m.event.body.kind === 'permission_requested' && m.event.body.permission !== 'screen_view'), 'the customer was never asked for a missing tool');
    await c.action({ type: 'end' });

    // A client of today (no tools) is never asked for anything, even by a rep with every right.
    const none = await acceptedSession(r.ws, r.id, 'customer_client', []);
    assert.equal((await r.ws.call({ type: 'session.request_permission', lsid: none.lsid, permission: 'screen_view' })).code, 'tool_unavailable');
    await none.c.action({ type: 'end' });
    // A web chat has no tools whatever its hello claims.
    const web = await acceptedSession(r.ws, r.id, 'web_chat', ['screen']);
    const webSummary = await r.ws.find((m) => m.type === 'session.updated' && m.session.lsid === web.lsid, 'web chat summary');
    assert.deepEqual(webSummary.session.capabilities, []);
    assert.equal((await r.ws.call({ type: 'session.request_permission', lsid: web.lsid, permission: 'screen_view' })).code, 'web_chat_only');
    await web.c.action({ type: 'end' });
    // An unknown tool in the hello is a validation error.
    const bad = await CustomerSocket.join(broker, { kind: 'rep', rep: String(r.id) }, {}, 'customer_client', ['teleport']);
    assert.equal((await bad.welcome()).code, 'validation_failed');
  });

  it('USR-13: a rep whose attended prompt setting is "never" gets access without a prompt, and the log says so', async () => {
    const r = await rep({ permissions: { promptAttended: 'never' } });
    const { c, lsid } = await acceptedSession(r.ws, r.id);
    await r.ws.call({ type: 'session.request_permission', lsid, permission: 'screen_control' });
    const granted = await c.event('permission_granted');
    assert.equal(granted.event.body.by, 'policy');
    assert.equal((await r.ws.call({ type: 'session.open_channel', lsid, kind: 'input' })).type, 'reply');
    await c.action({ type: 'end' });
  });

  it('USR-13: with the site\'s leave, the customer client may approve by itself (--yes)', async () => {
    const set = await admin.patch('/api/v1/portal/settings', { allowCustomerAutoApprove: true });
    assert.equal(set.status, 200);
    try {
      const r = await rep({});
      const { c, lsid, welcome } = await acceptedSession(r.ws, r.id);
      assert.equal(welcome.autoApproveAllowed, true);
      await r.ws.call({ type: 'session.request_permission', lsid, permission: 'file_transfer' });
      const prompt = await c.event('permission_requested');
      assert.equal((await c.action({ type: 'consent', requestId: prompt.event.body.requestId, granted: true, auto: true })).type, 'ack');
      await c.action({ type: 'end' });
    } finally {
      await admin.patch('/api/v1/portal/settings', { allowCustomerAutoApprove: false });
    }
  });

  it('POR-5: a web chat session moves to the full customer client in the same session', async () => {
    const r = await rep({});
    const { c, lsid, welcome } = await acceptedSession(r.ws, r.id, 'web_chat');
    assert.equal((await r.ws.call({ type: 'session.request_permission', lsid, permission: 'screen_view' })).code, 'web_chat_only');
    assert.equal((await r.ws.call({ type: 'session.offer_full_client', lsid })).type, 'reply');
    const offer = await c.event('full_client_offered');
    assert.match(offer.event.body.command, /^passerelle customer --broker https:\/\/127\.0\.0\.1:\d+ --pin /);
    await c.chat('je lance le client');

    const full = await CustomerSocket.join(broker, { kind: 'resume', lsid, resumeToken: welcome.resumeToken, lastSeq: 0 }, { computerName: 'PC-GABY' });
    const w = await full.welcome();
    assert.equal(w.resumed, true);
    assert.equal(w.lastCid, 1);
    assert.equal((await c.closed).code, 4009, 'the web chat is superseded');
    const changed = await repEvent(r.ws, lsid, 'client_changed');
    assert.equal(changed.event.body.clientKind, 'customer_client');
    // The full client received the whole conversation so far, once.
    const chats = full.messages.filter((m) => m.type === 'event' && m.event.body.kind === 'chat');
    assert.equal(chats.length, 1);
    assert.equal((await r.ws.call({ type: 'session.request_permission', lsid, permission: 'screen_view' })).type, 'reply');
    await full.action({ type: 'end' });
  });

  it('POR-5: with click-to-chat on, a portal start gives a web chat ticket; without it, the customer client command', async () => {
    const r = await rep({});
    const anonymous = new (await import('../support/broker.ts')).ApiClient(broker);
    let start = await anonymous.post('/api/v1/portal/start', { method: 'rep_list', repId: r.id });
    assert.equal(start.status, 200, JSON.stringify(start.body));
    assert.equal(start.body.mode, 'customer_client');
    // `--ticket=T`: a ticket may begin with "-", which `--ticket T` would read as an option (POR-3).
    assert.match(start.body.command, /--ticket=\S+ --pin [0-9A-F:]+$/);
    await admin.patch('/api/v1/portal/settings', { clickToChat: true });
    start = await anonymous.post('/api/v1/portal/start', { method: 'connect', customerName: 'Hugo' });
    assert.equal(start.body.mode, 'web_chat');
    const c = await CustomerSocket.join(broker, { kind: 'ticket', ticket: start.body.ticket }, {}, 'web_chat');
    const w = await c.welcome();
    assert.equal(w.type, 'welcome');
    const again = await CustomerSocket.join(broker, { kind: 'ticket', ticket: start.body.ticket }, {}, 'web_chat');
    assert.equal((await again.welcome()).code, 'invalid_session_key', 'a ticket is single use');
    await c.action({ type: 'end' });
    // POR-1/POR-4 switches: turned off, the portal refuses those starts.
    await admin.patch('/api/v1/portal/settings', { clickToChat: false, showConnectButton: false, showRepList: false });
    assert.equal((await anonymous.post('/api/v1/portal/start', { method: 'connect' })).status, 403);
    assert.equal((await anonymous.post('/api/v1/portal/start', { method: 'rep_list', repId: r.id })).status, 403);
    const view = await anonymous.get('/api/v1/portal');
    assert.equal(view.body.showConnectButton, false);
    assert.deepEqual(view.body.reps, []);
    await admin.patch('/api/v1/portal/settings', { showConnectButton: true, showRepList: true });
    assert.equal((await r.api.patch('/api/v1/portal/settings', { clickToChat: true })).status, 403, 'admins only');
    await anonymous.close();
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADMIN_PASSWORD, createRep, type ApiClient, type TestBroker, brokerWithAdmin } from '../support/broker.ts';
import { CustomerSocket, repConsole, repEvent, type RepSocket } from '../support/sessions.ts';

describe('support sessions: keys, queues, chat, transfer (POR-3, CON-2, CON-3, STA-6)', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  let alice: Awaited<ReturnType<typeof createRep>>;
  let bob: Awaited<ReturnType<typeof createRep>>;
  let aliceWs: RepSocket;
  let bobWs: RepSocket;
  const open: { close(): unknown }[] = [];

  brokerWithAdmin(async (b, a, defer) => {
    broker = b;
    admin = a;
    defer(async () => {
      for (const s of open) await s.close();
      await aliceWs.close();
      await bobWs.close();
      await alice.api.close();
      await bob.api.close();
    });
    alice = await createRep(admin, { displayName: 'Alice Martin', displayNumber: 2 });
    bob = await createRep(admin, { displayName: 'Bob Durand', displayNumber: 1 });
    aliceWs = await repConsole(broker, alice);
    bobWs = await repConsole(broker, bob);
  });

  it('POR-3: a rep creates a short single-use key; the session it starts waits in the general queue of every rep', async () => {
    const key = await alice.api.post('/api/v1/session-keys', {});
    assert.equal(key.status, 201);
    assert.match(key.body.key, /^\d{3} \d{3} \d{3}$/);
    const minutes = (Date.parse(key.body.expiresAt) - Date.now()) / 60_000;
    assert.ok(minutes > 14 && minutes <= 15, `default validity 15 min, got ${minutes}`);

    const customer = await CustomerSocket.join(broker, { kind: 'key', key: key.body.key.replace(/ /g, '') }, {
      name: 'Claire', computerName: 'PC-CLAIRE', os: 'Linux 6.1', privateIp: '192.168.1.20', userName: 'claire',
    });
    open.push(customer);
    const welcome = await customer.welcome();
    assert.equal(welcome.type, 'welcome', JSON.stringify(welcome));
    assert.ok(welcome.sequenceNumber >= 1);
    const started = await customer.event('session_started');
    assert.deepEqual(started.event.body.queue, { kind: 'general' });

    for (const rep of [aliceWs, bobWs]) {
      const upd = await rep.find((m) => m.type === 'session.updated' && m.session.lsid === welcome.lsid, 'queue update');
      assert.equal(upd.isNew, true);
      assert.equal(upd.session.state, 'waiting');
      assert.deepEqual(upd.session.queue, { kind: 'general' });
      assert.equal(upd.session.customer.computerName, 'PC-CLAIRE');
      assert.equal(upd.session.customer.publicIp, '127.0.0.1');
    }

    // The key is single use: a second customer with it is refused with no hint why.
    const again = await CustomerSocket.join(broker, { kind: 'key', key: key.body.key });
    const refused = await again.welcome();
    assert.equal(refused.code, 'invalid_session_key');
    assert.equal((await again.closed).code, 4003);
  });

  it('CON-2, CON-3: one rep accepts, the session leaves the other\'s queue, and rep and customer chat; the store holds every event', async () => {
    const key = await alice.api.post('/api/v1/session-keys', {});
    const customer = await CustomerSocket.join(broker, { kind: 'key', key: key.body.key }, { name: 'Denis' });
    open.push(customer);
    const { lsid } = await customer.welcome();
    await bobWs.find((m) => m.type === 'session.updated' && m.session.lsid === lsid, 'bob sees it');

    const accepted = await aliceWs.call({ type: 'session.accept', lsid });
    assert.equal(accepted.type, 'reply', JSON.stringify(accepted));
    const lateAccept = await bobWs.call({ type: 'session.accept', lsid });
    assert.equal(lateAccept.code, 'session_state');
    await bobWs.find((m) => m.type === 'session.removed' && m.lsid === lsid, 'removed from bob\'s queue');
    const joined = await customer.event('rep_joined');
    assert.equal(joined.event.body.name, 'Alice Martin');

    const ack = await customer.chat('Bonjour, mon imprimante ne marche plus');
    assert.equal(ack.type, 'ack');
    const seen = await repEvent(aliceWs, lsid, 'chat');
    assert.equal(seen.event.body.text, 'Bonjour, mon imprimante ne marche plus');
    assert.equal(seen.event.seq, ack.seq);
    assert.equal(seen.event.actor.kind, 'customer');

    customer.send({ type: 'typing', typing: true });
    await aliceWs.find((m) => m.type === 'session.typing' && m.lsid === lsid && m.typing === true, 'typing indicator');

    const reply = await aliceWs.chat(lsid, 'Je regarde ça');
    assert.equal(reply.type, 'reply');
    const got = await customer.find((m) => m.type === 'event' && m.event.body.kind === 'chat' && m.event.actor.kind === 'rep', 'rep chat');
    assert.equal(got.event.body.text, 'Je regarde ça');
    assert.equal(got.event.actor.name, 'Alice Martin');

    // STA-6: the Status page counts Alice's running session.
    const reps = await admin.get('/api/v1/site/reps');
    const row = reps.body.reps.find((r: any) => r.userId === alice.id);
    assert.equal(row.supportSessions, 1);

    const log = await admin.get(`/api/v1/sessions/${lsid}/events`);
    assert.equal(log.status, 200);
    assert.deepEqual(log.body.events.map((e: any) => e.body.kind), ['session_started', 'rep_joined', 'chat', 'chat']);
    assert.deepEqual(log.body.events.map((e: any) => e.seq), [1, 2, 3, 4]);
    // A rep outside the session cannot read the log.
    assert.equal((await bob.api.get(`/api/v1/sessions/${lsid}/events`)).status, 403);
    await aliceWs.call({ type: 'session.end', lsid });
    const ended = await customer.event('session_ended');
    assert.equal(ended.event.body.reason, 'ended_by_rep');
    assert.equal((await customer.closed).code, 4000);
  });

  it('CON-2: transfer to a second rep, invite a rep to share, leave; the customer ends it', async () => {
    const key = await alice.api.post('/api/v1/session-keys', {});
    const customer = await CustomerSocket.join(broker, { kind: 'key', key: key.body.key }, { name: 'Emma' });
    open.push(customer);
    const { lsid } = await customer.welcome();
    assert.equal((await aliceWs.call({ type: 'session.accept', lsid })).type, 'reply');
    // Only the owner may transfer.
    assert.equal((await bobWs.call({ type: 'session.transfer', lsid, toUserId: alice.id })).code, 'forbidden');

    const t = await aliceWs.call({ type: 'session.transfer', lsid, toUserId: bob.id });
    assert.equal(t.type, 'reply', JSON.stringify(t));
    const inBobQueue = await bobWs.find((m) => m.type === 'session.updated' && m.session.lsid === lsid && m.session.queue.kind === 'personal', 'in bob\'s personal queue');
    assert.deepEqual(inBobQueue.session.queue, { kind: 'personal', userId: bob.id });
    await aliceWs.find((m) => m.type === 'session.removed' && m.lsid === lsid, 'gone from alice');
    assert.equal((await aliceWs.chat(lsid, 'still here?')).code, 'forbidden');
    assert.equal((await bobWs.call({ type: 'session.accept', lsid })).type, 'reply');
    const transferred = await customer.event('transferred');
    assert.equal(transferred.event.body.toName, 'Bob Durand');

    // Bob invites Alice to share the session; she joins and both see the customer's chat.
    assert.equal((await bobWs.call({ type: 'session.invite', lsid, userId: alice.id })).type, 'reply');
    await aliceWs.find((m) => m.type === 'session.updated' && m.session.lsid === lsid && m.session.invited.includes(alice.id), 'invitation');
    assert.equal((await aliceWs.call({ type: 'session.join', lsid })).type, 'reply');
    const ack = await customer.chat('Merci à vous deux');
    for (const rep of [aliceWs, bobWs]) {
      const e = await rep.find((m) => m.type === 'session.event' && m.lsid === lsid && m.event.seq === ack.seq, 'shared chat');
      assert.equal(e.event.body.text, 'Merci à vous deux');
    }
    // CON-3: the reps talk between themselves; the customer never sees it, live or on resume.
    const aside = await bobWs.call({ type: 'session.chat', lsid, cid: 1, text: 'entre nous', repsOnly: true });
    assert.equal(aside.type, 'reply');
    await aliceWs.find((m) => m.type === 'session.event' && m.event.body.text === 'entre nous', 'rep-only line');
    const after = await customer.chat('encore là');
    assert.equal(after.seq, aside.seq + 1);
    assert.ok(!customer.messages.some((m) => m.type === 'event' && m.event.body.text === 'entre nous'));
    const replay = await CustomerSocket.join(broker, { kind: 'resume', lsid, resumeToken: (await customer.welcome()).resumeToken, lastSeq: 0 });
    replay.cid = (await replay.welcome()).lastCid;
    await replay.find((m) => m.type === 'event' && m.event.seq === after.seq, 'replayed to the end');
    assert.ok(!replay.messages.some((m) => m.type === 'event' && m.event.body.text === 'entre nous'));
    open.push(replay);
    assert.equal((await aliceWs.call({ type: 'session.leave', lsid })).type, 'reply');
    const end = await replay.action({ type: 'end' });
    assert.equal(end.type, 'ack');
    await repEvent(bobWs, lsid, 'session_ended');
    const log = await admin.get(`/api/v1/sessions/${lsid}/events`);
    assert.deepEqual(log.body.events.map((e: any) => e.body.kind), [
      'session_started', 'rep_joined', 'transferred', 'rep_left', 'rep_joined', 'rep_invited', 'rep_joined', 'chat', 'chat', 'chat', 'rep_left', 'session_ended',
    ]);
    const ended = log.body.events.at(-1);
    assert.equal(ended.body.reason, 'ended_by_customer');
  });

  it('POR-1: choosing a rep puts the session in that rep\'s personal queue only', async () => {
    const customer = await CustomerSocket.join(broker, { kind: 'rep', rep: bob.username }, { name: 'Fanny' });
    open.push(customer);
    const { lsid } = await customer.welcome();
    const upd = await bobWs.find((m) => m.type === 'session.updated' && m.session.lsid === lsid, 'bob\'s personal queue');
    assert.deepEqual(upd.session.queue, { kind: 'personal', userId: bob.id });
    assert.equal((await aliceWs.call({ type: 'session.accept', lsid })).code, 'forbidden');
    assert.ok(!aliceWs.messages.some((m) => m.type === 'session.updated' && m.session.lsid === lsid), 'alice never saw it');
    await customer.action({ type: 'end' });

    const portal = await new (await import('../support/broker.ts')).ApiClient(broker).get('/api/v1/portal');
    assert.deepEqual(portal.body.reps.map((r: any) => r.displayName), ['Bob Durand', 'Alice Martin'], 'sorted by display number');
  });

  it('POR-4: Connect goes to the logged-in rep with the fewest running sessions', async () => {
    const first = await CustomerSocket.join(broker, { kind: 'connect' });
    open.push(first);
    const w1 = await first.welcome();
    // Bob sees a personal-queue session only if it is his; Alice the same: whichever does is the owner.
    const u1 = await Promise.any([aliceWs, bobWs].map((ws) => ws.find((m) => m.type === 'session.updated' && m.session.lsid === w1.lsid, 'first connect')));
    const owner = u1.session.queue.userId as number;
    const ws = owner === alice.id ? aliceWs : bobWs;
    await ws.call({ type: 'session.accept', lsid: w1.lsid });
    const second = await CustomerSocket.join(broker, { kind: 'connect' });
    open.push(second);
    const w2 = await second.welcome();
    const other = owner === alice.id ? bobWs : aliceWs;
    const u2 = await other.find((m) => m.type === 'session.updated' && m.session.lsid === w2.lsid, 'second connect');
    assert.notEqual(u2.session.queue.userId, owner);
    await first.action({ type: 'end' });
    await second.action({ type: 'end' });
  });

  it('POR-4: Connect never picks an administrator who is only there to administer while a rep is logged in', async () => {
    const adminWs = await repConsole(broker, { username: 'admin', password: ADMIN_PASSWORD, api: admin });
    try {
      // The admin has no running session and the lowest user id: the old rule picked them first.
      const c = await CustomerSocket.join(broker, { kind: 'connect' });
      open.push(c);
      const w = await c.welcome();
      const u = await Promise.any([aliceWs, bobWs].map((ws) => ws.find((m) => m.type === 'session.updated' && m.session.lsid === w.lsid, 'connect')));
      assert.ok([alice.id, bob.id].includes(u.session.queue.userId), JSON.stringify(u.session.queue));
      assert.equal(adminWs.messages.some((m) => m.type === 'session.updated' && m.session.lsid === w.lsid), false);
      await c.action({ type: 'end' });
    } finally {
      await adminWs.close();
    }
  });
});

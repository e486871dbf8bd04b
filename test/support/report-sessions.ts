// Real support sessions for the report tests (REP-1..4): customers joining over /ws/customer,
// reps accepting, chatting (also reps-only), asking consent, inviting and transferring, ending.
// Shared by the integration and e2e report tests so both read the same kind of history.
import assert from 'node:assert/strict';
import { createRep, type ApiClient, type TestBroker } from './broker.ts';
import { SESSION_PROTOCOL_VERSION } from '../../src/protocol/sessions.ts';
import { CustomerSocket, repConsole, repEvent, type RepSocket } from './sessions.ts';

export interface Rep {
  id: number;
  username: string;
  password: string;
  api: ApiClient;
  ws: RepSocket;
}

export interface PlayedSession {
  lsid: string;
  seq: number;
  customer: string;
  computer: string;
  privateIp: string;
}

export async function repWithConsole(broker: TestBroker, admin: ApiClient, fields: Record<string, unknown> = {}): Promise<Rep> {
  const r = await createRep(admin, fields);
  const ws = await repConsole(broker, r);
  return { ...r, ws };
}

async function join(broker: TestBroker, rep: Rep, customer: { name: string; computerName: string; privateIp: string }) {
  // As a customer client with screen tools would say hello (permissions are asked for tools it has).
  const c = new CustomerSocket(broker);
  await c.opened;
  c.send({
    type: 'hello',
    protocol: SESSION_PROTOCOL_VERSION,
    client: 'customer_client',
    join: { kind: 'rep', rep: String(rep.id) },
    customer: { ...customer, os: 'Debian 12', userName: 'gaby' },
    capabilities: ['screen', 'input'],
  });
  const w = await c.welcome();
  assert.equal(w.type, 'welcome', JSON.stringify(w));
  await rep.ws.find((m) => m.type === 'session.updated' && m.session.lsid === w.lsid, 'queued');
  return { c, lsid: w.lsid as string, seq: w.sequenceNumber as number };
}

/**
 * Session 1: `a` accepts, chats with the customer, chats reps-only with `b` after inviting them,
 * asks for screen view (granted), then control (denied), the customer revokes view; the customer ends.
 */
export async function playChatConsentInvite(broker: TestBroker, a: Rep, b: Rep, customer: { name: string; computerName: string; privateIp: string }): Promise<PlayedSession> {
  const { c, lsid, seq } = await join(broker, a, customer);
  assert.equal((await a.ws.call({ type: 'session.accept', lsid })).type, 'reply');
  assert.equal((await c.chat('Bonjour, mon imprimante ne marche plus')).type, 'ack');
  assert.equal((await a.ws.chat(lsid, 'Je regarde ça')).type, 'reply');
  assert.equal((await a.ws.call({ type: 'session.invite', lsid, userId: b.id })).type, 'reply');
  await b.ws.find((m) => m.type === 'session.updated' && m.session.lsid === lsid, 'invited');
  assert.equal((await b.ws.call({ type: 'session.join', lsid })).type, 'reply');
  assert.equal((await a.ws.call({ type: 'session.chat', lsid, cid: 1000, text: 'Driver issue, I think', repsOnly: true })).type, 'reply');
  await a.ws.call({ type: 'session.request_permission', lsid, permission: 'screen_view' });
  const ask = await c.event('permission_requested');
  assert.equal((await c.action({ type: 'consent', requestId: ask.event.body.requestId, granted: true })).type, 'ack');
  await repEvent(a.ws, lsid, 'permission_granted');
  await a.ws.call({ type: 'session.request_permission', lsid, permission: 'screen_control' });
  const ask2 = await c.find((m) => m.type === 'event' && m.event.body.kind === 'permission_requested' && m.event.body.permission === 'screen_control', 'control asked');
  assert.equal((await c.action({ type: 'consent', requestId: ask2.event.body.requestId, granted: false })).type, 'ack');
  assert.equal((await c.action({ type: 'revoke', permission: 'screen_view' })).type, 'ack');
  await repEvent(a.ws, lsid, 'permission_revoked');
  assert.equal((await c.action({ type: 'end' })).type, 'ack');
  await c.closed;
  return { lsid, seq, customer: customer.name, computer: customer.computerName, privateIp: customer.privateIp };
}

/** Session 2: `a` accepts and transfers to `b`, who accepts; `b` ends it. */
export async function playTransfer(broker: TestBroker, a: Rep, b: Rep, customer: { name: string; computerName: string; privateIp: string }): Promise<PlayedSession> {
  const { c, lsid, seq } = await join(broker, a, customer);
  assert.equal((await a.ws.call({ type: 'session.accept', lsid })).type, 'reply');
  assert.equal((await c.chat('=cmd|\' /C calc\'!A0')).type, 'ack');
  assert.equal((await a.ws.call({ type: 'session.transfer', lsid, toUserId: b.id })).type, 'reply');
  await b.ws.find((m) => m.type === 'session.updated' && m.session.lsid === lsid && m.session.state === 'waiting', 'transferred to b');
  assert.equal((await b.ws.call({ type: 'session.accept', lsid })).type, 'reply');
  assert.equal((await b.ws.call({ type: 'session.end', lsid })).type, 'reply');
  await c.closed;
  return { lsid, seq, customer: customer.name, computer: customer.computerName, privateIp: customer.privateIp };
}

/** Session 3: the customer waits, nobody joins, the customer gives up. */
export async function playUnanswered(broker: TestBroker, a: Rep, customer: { name: string; computerName: string; privateIp: string }): Promise<PlayedSession> {
  const { c, lsid, seq } = await join(broker, a, customer);
  assert.equal((await c.chat('Anyone there?')).type, 'ack');
  assert.equal((await c.action({ type: 'end' })).type, 'ack');
  await c.closed;
  return { lsid, seq, customer: customer.name, computer: customer.computerName, privateIp: customer.privateIp };
}

// The customer's side of support sessions (POR-1/3/4/5, USR-13): starting one (session key, rep
// list, Connect button, portal ticket), resuming after a dropped connection, the customer's
// messages and consent, and a connection that drops.
import {
  CustomerClose,
  MIN_SESSION_PROTOCOL_VERSION,
  SESSION_PROTOCOL_VERSION,
  customerSees,
  type ClientTool,
  type CustomerClientMessage,
  type JoinRequest,
  type SessionEvent,
  toolEventPermission,
} from '../../protocol/sessions.ts';
import { siteImageUrl } from '../../protocol/portal-look.ts';
import { ChannelCloseReason } from '../../protocol/channels.ts';
import { PasserelleError } from '../errors.ts';
import { AttemptLimiter } from './attempt-limiter.ts';
import { LiveSession, type CustomerSink } from './live-session.ts';
import type { JoinPlan } from './portal.ts';
import type { RepQueues } from './rep-queues.ts';
import { newToken, safeEqual } from './secrets.ts';
import { eventOf, SYSTEM } from './session-log.ts';
import type { SessionLifecycle, SessionRecordingHooks } from './session-lifecycle.ts';
import type { SessionRegistry } from './session-registry.ts';
import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';
import type { Clock } from './accounts.ts';
import type { PortalService } from './portal.ts';
import { formatSessionKey, normaliseSessionKey, type SessionKeysService } from './session-keys.ts';

/** What the customer's side needs (services/sessions.ts passes its own options, a superset). */
export interface CustomerSideOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  keys: SessionKeysService;
  portal: PortalService;
  /** POR-6: a new session takes the chat banner of the moment. */
  chatBannerForNewSession?: () => Promise<string | null>;
  /** How long a dropped customer may take to come back. */
  resumeGraceMs: number;
  /** New sessions one address may start per minute (anonymous starts cost store rows). */
  startsPerMinute: number;
  /** REP-5: the recordings module (a new session may be recorded; its chat lines go in). */
  recordings?: SessionRecordingHooks;
}

export type CustomerHello = Extract<CustomerClientMessage, { type: 'hello' }>;

/** The tools a hello claims; the web chat runs in a browser page and has none, whatever it says. */
function toolsOf(hello: CustomerHello): ClientTool[] {
  return hello.client === 'web_chat' ? [] : [...new Set(hello.capabilities)];
}
export type CustomerAction = Exclude<CustomerClientMessage, { type: 'hello' | 'ping' }>;

export class SessionCustomers {
  private readonly resumeLimiter: AttemptLimiter;
  private readonly startLimiter: AttemptLimiter;

  constructor(
    private readonly registry: SessionRegistry,
    private readonly lifecycle: SessionLifecycle,
    private readonly reps: RepQueues,
    private readonly o: CustomerSideOptions,
  ) {
    this.resumeLimiter = new AttemptLimiter(o.clock, 10, 60_000);
    this.startLimiter = new AttemptLimiter(o.clock, o.startsPerMinute, 60_000);
  }

  /** Decides where a new session goes; consumes a session key. Enforces the portal's switches. */
  async planJoin(join: Extract<JoinRequest, { kind: 'key' | 'rep' | 'connect' }>, address: string): Promise<JoinPlan> {
    const lsid = newToken(12);
    const settings = await this.o.portal.settings();
    if (join.kind === 'key') {
      const keyUserId = await this.o.keys.redeem(join.key, address, lsid);
      // The rep's console stops showing the key as one to read out.
      this.lifecycle.toRep(keyUserId, { type: 'session.key_used', key: formatSessionKey(normaliseSessionKey(join.key)!) });
      return { lsid, method: 'session_key', queue: { kind: 'general' }, keyUserId };
    }
    if (join.kind === 'rep') {
      if (!settings.showRepList) throw new PasserelleError('forbidden', 'Starting a session with a chosen rep is turned off on this site');
      const user = /^\d+$/.test(join.rep) ? await this.o.store.getUserById(Number(join.rep)) : await this.o.store.getUserByUsername(join.rep);
      if (!user || user.disabled || !this.reps.isOnline(user.id)) throw new PasserelleError('not_found', 'That representative is not available now');
      return { lsid, method: 'rep_list', queue: { kind: 'personal', userId: user.id }, keyUserId: null };
    }
    if (!settings.showConnectButton) throw new PasserelleError('forbidden', 'The Connect button is turned off on this site');
    // POR-4: who counts as available: reps logged in to the console; administrators, who are
    // often there only to administer, only when no other rep is; nobody logged in → the general queue.
    const online = this.reps.onlineUserIds();
    const users = await Promise.all(online.map((id) => this.o.store.getUserById(id)));
    const support = users.filter((u) => u && !u.disabled && !u.permissions.administrator).map((u) => u!.id);
    const chosen = this.reps.leastBusy(support.length > 0 ? support : online);
    return { lsid, method: 'connect', queue: chosen === undefined ? { kind: 'general' } : { kind: 'personal', userId: chosen }, keyUserId: null };
  }

  /** A customer's first message: start, join by ticket, or resume. Returns the session it joined. */
  async hello(hello: CustomerHello, sink: CustomerSink): Promise<LiveSession> {
    if (hello.protocol < MIN_SESSION_PROTOCOL_VERSION || hello.protocol > SESSION_PROTOCOL_VERSION) {
      throw new PasserelleError(
        'protocol_version',
        `This customer client speaks protocol ${hello.protocol}; the site needs ${SESSION_PROTOCOL_VERSION}. Download the client again from the support portal.`,
        { supported: [MIN_SESSION_PROTOCOL_VERSION, SESSION_PROTOCOL_VERSION] },
      );
    }
    if (this.registry.shuttingDown) throw new PasserelleError('session_state', 'The site is restarting; try again in a moment');
    const join = hello.join;
    if (join.kind === 'resume') return this.resume(join, hello, sink);
    if (this.startLimiter.blocked(sink.address)) throw new PasserelleError('rate_limited', 'Too many sessions started from this address; wait a minute');
    this.startLimiter.fail(sink.address);
    let plan: JoinPlan;
    let name = hello.customer.name;
    if (join.kind === 'ticket') {
      const ticket = this.o.portal.redeemTicket(join.ticket);
      if (!ticket) throw new PasserelleError('invalid_session_key', 'This link has expired or was already used; start again from the support portal');
      plan = ticket.plan;
      // What the customer typed on the portal beats the computer's account name.
      if (ticket.customerName) name = ticket.customerName;
    } else {
      plan = await this.planJoin(join, sink.address);
    }
    // The chosen rep left the console since the portal start: any rep may take the session.
    if (plan.queue.kind === 'personal' && !this.reps.isOnline(plan.queue.userId)) plan = { ...plan, queue: { kind: 'general' } };
    const c = hello.customer;
    const record = await this.o.store.insertSupportSession({
      lsid: plan.lsid,
      method: plan.method,
      queueKind: plan.queue.kind,
      queueUserId: plan.queue.kind === 'personal' ? plan.queue.userId : null,
      keyUserId: plan.keyUserId,
      state: 'waiting',
      ownerUserId: null,
      clientKind: hello.client,
      customerName: name ?? c.userName ?? 'Customer',
      computerName: c.computerName ?? '',
      os: c.os ?? '',
      privateIp: c.privateIp ?? '',
      publicIp: sink.address,
      userName: c.userName ?? '',
      createdAt: this.o.clock.now().toISOString(),
      chatBanner: (await this.o.chatBannerForNewSession?.()) ?? null,
    });
    const s = new LiveSession(record, newToken(24));
    s.capabilities = toolsOf(hello);
    s.recorded = (await this.o.recordings?.start(s)) ?? false;
    this.registry.add(s);
    s.customer = sink;
    await s.run(async () => {
      await this.welcome(s, sink, false);
      await this.lifecycle.append(s, this.lifecycle.customerActor(s), { kind: 'session_started', method: plan.method, queue: plan.queue, clientKind: hello.client });
      const rep = plan.jumpedBy;
      if (rep) {
        // An unattended session (JMP-9): nobody accepts it, the rep who jumped is in it at once.
        s.participants.set(rep.userId, rep.name);
        await this.lifecycle.updateRecord(s, { state: 'active', ownerUserId: rep.userId, acceptedAt: this.lifecycle.now() });
        await this.lifecycle.append(s, { kind: 'rep', userId: rep.userId, name: rep.name, ip: rep.ip }, { kind: 'rep_joined', userId: rep.userId, name: rep.name });
      }
      this.lifecycle.publish(s, true);
    });
    this.o.log.info({ lsid: s.lsid, seq: record.seq, method: plan.method, queue: plan.queue.kind }, 'support session started');
    return s;
  }

  private async resume(join: Extract<JoinRequest, { kind: 'resume' }>, hello: CustomerHello, sink: CustomerSink): Promise<LiveSession> {
    if (this.resumeLimiter.blocked(sink.address)) throw new PasserelleError('rate_limited', 'Too many attempts; wait a minute and try again');
    const s = this.registry.get(join.lsid);
    if (!s || s.ended || !safeEqual(s.resumeToken, join.resumeToken)) {
      this.resumeLimiter.fail(sink.address);
      throw new PasserelleError('resume_expired', 'This session has ended or can no longer be resumed');
    }
    if (join.lastSeq > s.lastSeq) throw new PasserelleError('out_of_order', `Event ${join.lastSeq} was never sent; the last is ${s.lastSeq}`);
    await s.run(async () => {
      if (s.ended) throw new PasserelleError('resume_expired', 'This session has ended');
      const previous = s.customer;
      if (s.customerLost) clearTimeout(s.customerLost);
      s.customerLost = null;
      s.customer = sink;
      s.capabilities = toolsOf(hello);
      previous?.close(CustomerClose.superseded, 'superseded');
      await this.welcome(s, sink, true);
      // Everything the customer missed, from the store, then live events follow in order.
      for (const r of await this.o.store.listSessionEvents(s.lsid, join.lastSeq)) {
        const event = eventOf(r);
        if (customerSees(event.body)) sink.send({ type: 'event', lsid: s.lsid, event });
      }
      if (hello.client !== s.record.clientKind) {
        await this.o.store.updateSupportSession(s.lsid, { clientKind: hello.client });
        s.record = { ...s.record, clientKind: hello.client };
        await this.lifecycle.append(s, this.lifecycle.customerActor(s), { kind: 'client_changed', clientKind: hello.client });
      } else if (!previous) {
        await this.lifecycle.append(s, this.lifecycle.customerActor(s), { kind: 'customer_reconnected' });
      }
      // Open channels are announced again: ordered ones resume from the last byte, screens from a key frame.
      this.lifecycle.channels.customerAttached(s);
      this.lifecycle.publish(s);
    });
    this.o.log.info({ lsid: s.lsid, lastSeq: join.lastSeq }, 'customer resumed session');
    return s;
  }

  private async welcome(s: LiveSession, sink: CustomerSink, resumed: boolean): Promise<void> {
    const autoApproveAllowed = (await this.o.portal.settings()).allowCustomerAutoApprove;
    sink.send({
      type: 'welcome',
      protocol: SESSION_PROTOCOL_VERSION,
      lsid: s.lsid,
      sequenceNumber: s.record.seq,
      resumeToken: s.resumeToken,
      resumeWithinSeconds: this.registry.resumeWithinSeconds,
      autoApproveAllowed,
      lastCid: s.customerCids.last,
      resumed,
      chatBanner: siteImageUrl(s.record.chatBanner ?? 'default'),
      ...(s.recorded ? { recorded: true } : {}),
    });
  }

  async message(s: LiveSession, sink: CustomerSink, msg: CustomerAction): Promise<void> {
    const svc = this.lifecycle;
    if (msg.type === 'typing') {
      for (const uid of s.participants.keys()) svc.toRep(uid, { type: 'session.typing', lsid: s.lsid, name: s.record.customerName, typing: msg.typing });
      return;
    }
    await s.run(async () => {
      if (s.customer !== sink) throw new PasserelleError('session_state', 'This connection was replaced by a newer one');
      if (s.ended) throw new PasserelleError('session_state', 'The session has ended');
      const duplicate = s.customerCids.check(msg.cid);
      if (duplicate !== null) {
        sink.send({ type: 'ack', cid: msg.cid, seq: duplicate, duplicate: true });
        return;
      }
      const actor = svc.customerActor(s);
      let event: SessionEvent;
      if (msg.type === 'chat') {
        event = await svc.append(s, actor, { kind: 'chat', text: msg.text }, msg.cid);
      } else if (msg.type === 'consent') {
        const pending = s.pending.get(msg.requestId);
        if (!pending) throw new PasserelleError('out_of_order', 'There is no open request with that id');
        if (msg.auto && !(await this.o.portal.settings()).allowCustomerAutoApprove) throw new PasserelleError('forbidden', 'This site does not let the customer client approve requests by itself');
        s.pending.delete(msg.requestId);
        if (msg.granted) s.grants.add(pending.permission);
        event = await svc.append(
          s,
          actor,
          msg.granted
            ? { kind: 'permission_granted', requestId: msg.requestId, permission: pending.permission, by: 'customer' }
            : { kind: 'permission_denied', requestId: msg.requestId, permission: pending.permission },
          msg.cid,
        );
      } else if (msg.type === 'tool_event') {
        // Logged as done by the rep who opened the channel; only for a channel of this session
        // opened with that tool's permission (a revoke closes the channel, its last events still count).
        const owner = s.channelOwners.get(msg.channelId);
        if (!owner || owner.permission !== toolEventPermission(msg.body)) throw new PasserelleError('permission_not_granted', `Channel ${msg.channelId} is not a ${toolEventPermission(msg.body)} channel of this session`);
        const rep = { kind: 'rep' as const, userId: owner.userId, name: s.participants.get(owner.userId) ?? actor.name, ip: actor.ip };
        event = await svc.append(s, rep, msg.body);
        s.customerCids.record(msg.cid, event.seq);
      } else if (msg.type === 'jump_attach_failed') {
        // JMP-10: only as the answer to an attach this session asked for.
        if (!s.jumpAttach) throw new PasserelleError('out_of_order', 'No Jump Client was asked for in this session');
        s.jumpAttach = null;
        event = await svc.append(s, actor, { kind: 'jump_client_attach_failed', message: msg.message }, msg.cid);
        this.o.log.warn({ lsid: s.lsid, reason: msg.message }, 'jump client attach failed on the customer computer');
      } else if (msg.type === 'elevation') {
        // CON-8: only after the customer granted elevation in this session; the client says how it went.
        if (!s.grants.has('elevation') && msg.result !== 'dropped') throw new PasserelleError('permission_not_granted', 'Elevation was not granted in this session');
        s.elevated = msg.result === 'elevated';
        event = await svc.append(s, actor, { kind: 'elevation', result: msg.result, ...(msg.method ? { method: msg.method } : {}), ...(msg.error ? { error: msg.error } : {}) }, msg.cid);
      } else if (msg.type === 'revoke') {
        if (!s.grants.has(msg.permission)) throw new PasserelleError('out_of_order', `"${msg.permission}" was not granted`);
        s.grants.delete(msg.permission);
        if (msg.permission === 'elevation') s.elevated = false;
        svc.channels.close(s, (ch) => ch.rule.permission === msg.permission, ChannelCloseReason.revoked);
        event = await svc.append(s, actor, { kind: 'permission_revoked', permission: msg.permission }, msg.cid);
      } else {
        event = await svc.endLocked(s, 'ended_by_customer', actor, msg.cid);
      }
      sink.send({ type: 'ack', cid: msg.cid, seq: event.seq });
      if (msg.type !== 'chat' && msg.type !== 'tool_event') svc.publish(s);
      if (s.ended) sink.close(CustomerClose.ended, 'session ended');
    });
  }

  disconnected(s: LiveSession, sink: CustomerSink): void {
    if (this.registry.shuttingDown) return;
    if (s.customer === sink) this.lifecycle.channels.customerDetached(s);
    void s.run(async () => {
      if (s.customer !== sink || s.ended) return;
      s.customer = null;
      await this.lifecycle.append(s, this.lifecycle.customerActor(s), { kind: 'customer_disconnected' });
      this.lifecycle.publish(s);
      s.customerLost = setTimeout(() => {
        void s.run(async () => {
          if (s.customer || s.ended) return;
          await this.lifecycle.endLocked(s, 'customer_connection_lost', SYSTEM);
        }).catch((err: unknown) => this.o.log.error({ err, lsid: s.lsid }, 'ending a lost session failed'));
      }, this.o.resumeGraceMs);
      s.customerLost.unref();
    }).catch((err: unknown) => this.o.log.error({ err, lsid: s.lsid }, 'recording a customer disconnect failed'));
  }
}

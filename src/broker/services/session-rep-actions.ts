// What a rep does with sessions over the console channel (CON-2, CON-3, USR-13, USR-14): accept,
// transfer, invite and join, leave, end, chat, ask the customer's consent, open bulk channels.
// The broker checks every right here; the console hiding a button is not a check.
import { CHANNEL_KINDS, ChannelCloseReason, type ChannelKind, type ChannelMeta } from '../../protocol/channels.ts';
import { HISTORY_PAGE, permissionRight, permissionTool, type RepSessionClientMessage, type SessionEvent, type SessionPermission, type SessionSummary } from '../../protocol/sessions.ts';
import { PasserelleError } from '../errors.ts';
import type { Store, UserRecord } from '../store/store.ts';
import { repPartyOf, type LiveSession, type RepSink } from './live-session.ts';
import { newToken } from './secrets.ts';
import { eventOf } from './session-log.ts';
import type { RepQueues } from './rep-queues.ts';
import type { SessionLifecycle } from './session-lifecycle.ts';
import type { SessionRegistry } from './session-registry.ts';

/** The parts of the session core a rep's actions stand on. */
export interface SessionCoreParts {
  registry: SessionRegistry;
  lifecycle: SessionLifecycle;
  queues: RepQueues;
}

/** What an action did, in the service's terms; the rep gateway turns it into the wire reply. */
export type RepActionResult =
  | { kind: 'queue'; sessions: SessionSummary[] }
  | { kind: 'history'; lsid: string; events: SessionEvent[]; more: boolean; lastCid: number }
  | { kind: 'done'; outcome: ActionOutcome };

/** The outcome of an action on a session: its log entry, or the channel it opened or attached. */
export interface ActionOutcome {
  seq?: number;
  duplicate?: boolean;
  channelId?: number;
  window?: number;
  token?: string;
  kind?: ChannelKind;
  meta?: ChannelMeta;
}

export class RepSessionActions {
  constructor(
    private readonly core: SessionCoreParts,
    private readonly store: Store,
    /** The command a customer runs to move from web chat to the full client (POR-5). */
    private readonly fullClientCommand: () => Promise<string>,
  ) {}

  /** Handles one message; returns what it did, or null for fire-and-forget messages. */
  async handle(sink: RepSink, msg: RepSessionClientMessage): Promise<RepActionResult | null> {
    const user = await this.store.getUserById(sink.userId);
    if (!user || user.disabled) throw new PasserelleError('unauthenticated', 'Your account is no longer valid');
    if (msg.type === 'queue.get') return { kind: 'queue', sessions: this.core.queues.queueFor(user.id) };
    const s = this.core.registry.requireLive(msg.lsid);
    if (msg.type === 'session.typing') {
      this.participant(s, user);
      s.customer?.send({ type: 'typing', name: user.displayName, typing: msg.typing });
      for (const uid of s.participants.keys()) {
        if (uid !== user.id) this.core.lifecycle.toRep(uid, { type: 'session.typing', lsid: s.lsid, name: user.displayName, typing: msg.typing });
      }
      return null;
    }
    if (msg.type === 'session.history') {
      if (!s.participants.has(user.id) && !s.visibleToRep(user.id)) throw new PasserelleError('forbidden', 'You are not in this session');
      const rows = await this.store.listSessionEvents(s.lsid, msg.afterSeq);
      const events = rows.slice(0, HISTORY_PAGE).map(eventOf);
      return { kind: 'history', lsid: s.lsid, events, more: rows.length > HISTORY_PAGE, lastCid: s.repCidTracker(user.id).last };
    }
    return s.run(async () => {
      if (s.ended) throw new PasserelleError('session_not_found', 'No such running session');
      return { kind: 'done', outcome: await this.act(s, user, sink, msg) };
    });
  }

  private participant(s: LiveSession, user: UserRecord): void {
    if (!s.participants.has(user.id)) throw new PasserelleError('forbidden', 'You are not in this session');
  }

  private async act(
    s: LiveSession,
    user: UserRecord,
    sink: RepSink,
    msg: Exclude<RepSessionClientMessage, { type: 'queue.get' | 'session.typing' | 'session.history' }>,
  ): Promise<ActionOutcome> {
    const svc = this.core.lifecycle;
    const actor = svc.repActor(user, sink.address);
    switch (msg.type) {
      case 'session.accept': {
        if (s.record.state !== 'waiting') throw new PasserelleError('session_state', 'Another representative already took this session');
        if (!s.visibleToRep(user.id) || s.invited.has(user.id)) throw new PasserelleError('forbidden', 'This session is not in your queues');
        s.participants.set(user.id, user.displayName);
        s.invited.delete(user.id);
        await svc.updateRecord(s, { state: 'active', ownerUserId: user.id, acceptedAt: s.record.acceptedAt ?? svc.now() });
        const ev = await svc.append(s, actor, { kind: 'rep_joined', userId: user.id, name: user.displayName });
        svc.publish(s);
        return { seq: ev.seq };
      }
      case 'session.transfer': {
        this.owner(s, user);
        const target = await this.onlineRep(msg.toUserId, user);
        // The session waits in the target's personal queue; the customer stays connected.
        const ev = await svc.append(s, actor, { kind: 'transferred', fromUserId: user.id, toUserId: target.id, toName: target.displayName });
        await svc.append(s, actor, { kind: 'rep_left', userId: user.id, name: user.displayName });
        s.participants.clear();
        s.invited.clear();
        s.grants.clear();
        s.pending.clear();
        svc.channels.close(s, () => true, ChannelCloseReason.transferred);
        await svc.updateRecord(s, { state: 'waiting', ownerUserId: null, queueKind: 'personal', queueUserId: target.id });
        svc.publish(s);
        return { seq: ev.seq };
      }
      case 'session.invite': {
        this.participant(s, user);
        const target = await this.onlineRep(msg.userId, user);
        if (s.participants.has(target.id)) throw new PasserelleError('conflict', 'That representative is already in the session');
        s.invited.add(target.id);
        const ev = await svc.append(s, actor, { kind: 'rep_invited', userId: target.id, name: target.displayName });
        svc.publish(s);
        return { seq: ev.seq };
      }
      case 'session.join': {
        if (!s.invited.has(user.id)) throw new PasserelleError('forbidden', 'You were not invited to this session');
        s.invited.delete(user.id);
        s.participants.set(user.id, user.displayName);
        const ev = await svc.append(s, actor, { kind: 'rep_joined', userId: user.id, name: user.displayName });
        svc.publish(s);
        return { seq: ev.seq };
      }
      case 'session.leave': {
        this.participant(s, user);
        const ev = await svc.leaveLocked(s, user.id, 'left');
        return ev ? { seq: ev.seq } : {};
      }
      case 'session.end': {
        this.participant(s, user);
        const ev = await svc.endLocked(s, 'ended_by_rep', actor);
        return { seq: ev.seq };
      }
      case 'session.chat': {
        this.participant(s, user);
        const dup = s.repCidTracker(user.id).check(msg.cid);
        if (dup !== null) return { seq: dup, duplicate: true };
        const ev = await svc.append(s, actor, { kind: 'chat', text: msg.text, ...(msg.repsOnly ? { repsOnly: true } : {}) }, msg.cid);
        return { seq: ev.seq };
      }
      case 'session.request_permission': {
        this.participant(s, user);
        this.mayUse(user, msg.permission);
        this.clientHas(s, msg.permission);
        if (s.grants.has(msg.permission)) return {};
        const requestId = newToken(6);
        // USR-13: jump sessions follow the rep's unattended prompt setting, others the attended one.
        const prompt = s.record.method === 'jump' ? user.permissions.promptUnattended : user.permissions.promptAttended;
        // The request says when policy grants it, so the customer client shows no prompt for it.
        const ev = await svc.append(s, actor, { kind: 'permission_requested', requestId, permission: msg.permission, ...(prompt === 'never' ? { byPolicy: true as const } : {}) });
        if (prompt === 'never') {
          // USR-13: this rep's sessions do not prompt the customer; the log says it was policy.
          s.grants.add(msg.permission);
          await svc.append(s, actor, { kind: 'permission_granted', requestId, permission: msg.permission, by: 'policy' });
        } else {
          s.pending.set(requestId, { permission: msg.permission, repUserId: user.id });
        }
        svc.publish(s);
        return { seq: ev.seq };
      }
      case 'session.offer_full_client': {
        this.participant(s, user);
        if (s.record.clientKind !== 'web_chat') throw new PasserelleError('session_state', 'The customer already runs the full client');
        const ev = await svc.append(s, actor, { kind: 'full_client_offered', command: await this.fullClientCommand() });
        return { seq: ev.seq };
      }
      case 'session.open_channel': {
        this.participant(s, user);
        const permission = CHANNEL_KINDS[msg.kind].permission;
        this.mayUse(user, permission);
        if (!s.grants.has(permission)) {
          throw new PasserelleError('permission_not_granted', `The customer has not granted "${permission}"`);
        }
        if (!s.customer) throw new PasserelleError('session_state', 'The customer is not connected right now');
        // A rep switching monitors opens a screen channel on the new one while holding the old
        // (the viewer closes the old one next): that is the session event "monitor switched".
        const monitorOf = (m: ChannelMeta) => (m.monitor === undefined ? 0 : m.monitor);
        const switchedFrom = msg.kind === 'screen' ? [...s.channels.values()].find((v) => v.kind === 'screen' && v.userIds.includes(user.id) && monitorOf(v.meta) !== monitorOf(msg.meta)) : undefined;
        const ch = svc.channels.open(s, repPartyOf(sink), msg.kind, msg.meta);
        s.channelOwners.set(ch.channelId, { userId: user.id, permission });
        if (switchedFrom) {
          const monitor = monitorOf(msg.meta);
          if (monitor === 'all' || (typeof monitor === 'number' && Number.isInteger(monitor) && monitor >= 0 && monitor < 16)) {
            await svc.append(s, actor, { kind: 'screen_monitor_switched', monitor, name: monitor === 'all' ? 'all' : String(monitor + 1) });
          }
        }
        svc.publish(s);
        return { channelId: ch.channelId, window: ch.window, token: ch.token, kind: msg.kind, meta: msg.meta };
      }
      case 'session.attach_channel': {
        this.participant(s, user);
        const ch = svc.channels.attachRep(s, repPartyOf(sink), msg.channelId, msg.token);
        return { channelId: msg.channelId, kind: ch.kind, meta: ch.meta };
      }
    }
  }

  private owner(s: LiveSession, user: UserRecord): void {
    this.participant(s, user);
    if (s.record.ownerUserId !== user.id) throw new PasserelleError('forbidden', 'Only the representative who owns the session can transfer it');
  }

  /** A request for a tool the customer's client does not have would be granted and then do nothing. */
  private clientHas(s: LiveSession, permission: SessionPermission): void {
    if (s.capabilities.includes(permissionTool[permission])) return;
    if (s.record.clientKind === 'web_chat') {
      throw new PasserelleError('web_chat_only', 'The customer is in web chat, which has no remote tools; offer the full customer client first');
    }
    throw new PasserelleError('tool_unavailable', `The customer's client cannot do "${permission}" (it has no ${permissionTool[permission]} tool)`);
  }

  private mayUse(user: UserRecord, permission: SessionPermission): void {
    const needed = permissionRight[permission];
    if (!user.permissions.administrator && user.permissions[needed] !== true) {
      throw new PasserelleError('forbidden', `You do not have the "${needed}" permission`);
    }
  }

  private async onlineRep(userId: number, self: UserRecord): Promise<UserRecord> {
    if (userId === self.id) throw new PasserelleError('conflict', 'That is you');
    const target = await this.store.getUserById(userId);
    if (!target || target.disabled || !this.core.queues.isOnline(userId)) throw new PasserelleError('not_found', 'That representative is not logged in to the console');
    return target;
  }
}

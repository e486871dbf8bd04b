// The `sessions` area of ConsoleApi: the rep's queues, session logs, chat and session actions,
// plus session keys. A plain object of functions, so the desktop app forwards it over IPC as is.
import type { SessionEvent, SessionKeyView, SessionPermission, SessionSummary } from '../../protocol/index.ts';
import { SessionKeyView as SessionKeyViewSchema } from '../../protocol/index.ts';
import type { CoreContext } from '../core-context.ts';
import type { Listener, Unsubscribe } from '../events.ts';
import { SessionModel, type SessionEventNotice, type TypingNotice } from './session-model.ts';

export interface SessionsApi {
  queue(): Promise<SessionSummary[]>;
  events(lsid: string): Promise<SessionEvent[]>;
  /** POR-3: a single-use key to read to a customer. */
  createKey(): Promise<SessionKeyView>;
  accept(lsid: string): Promise<void>;
  transfer(lsid: string, toUserId: number): Promise<void>;
  invite(lsid: string, userId: number): Promise<void>;
  join(lsid: string): Promise<void>;
  leave(lsid: string): Promise<void>;
  end(lsid: string): Promise<void>;
  /** `repsOnly`: to the other reps in the session, not the customer (CON-3). */
  chat(lsid: string, text: string, repsOnly?: boolean): Promise<void>;
  typing(lsid: string, typing: boolean): Promise<void>;
  requestPermission(lsid: string, permission: SessionPermission): Promise<void>;
  offerFullClient(lsid: string): Promise<void>;
  /** The whole queue, each time it changes. */
  onQueue(listener: Listener<SessionSummary[]>): Unsubscribe;
  /** A session arrived in one of the rep's queues: sound, notification, tray badge. */
  onNewSession(listener: Listener<SessionSummary>): Unsubscribe;
  onEvent(listener: Listener<SessionEventNotice>): Unsubscribe;
  onTyping(listener: Listener<TypingNotice>): Unsubscribe;
  /** A customer used one of this rep's session keys (formatted as `createKey` returned it). */
  onKeyUsed(listener: Listener<{ key: string }>): Unsubscribe;
}

export function createSessionsArea(ctx: CoreContext, model: SessionModel = new SessionModel(ctx.rep)): SessionsApi {
  return {
    queue: async () => model.queue(),
    events: async (lsid) => model.events(lsid),
    createKey: () => ctx.api.request('POST', '/session-keys', SessionKeyViewSchema, {}),
    accept: (lsid) => model.act('session.accept', lsid),
    transfer: (lsid, toUserId) => model.transfer(lsid, toUserId),
    invite: (lsid, userId) => model.invite(lsid, userId),
    join: (lsid) => model.act('session.join', lsid),
    leave: (lsid) => model.act('session.leave', lsid),
    end: (lsid) => model.act('session.end', lsid),
    chat: (lsid, text, repsOnly) => model.chat(lsid, text, repsOnly),
    typing: async (lsid, typing) => model.typing(lsid, typing),
    requestPermission: (lsid, permission) => model.requestPermission(lsid, permission),
    offerFullClient: (lsid) => model.act('session.offer_full_client', lsid),
    onQueue: (l) => model.onQueue.on(l),
    onNewSession: (l) => model.onNewSession.on(l),
    onEvent: (l) => model.onEvent.on(l),
    onTyping: (l) => model.onTyping.on(l),
    onKeyUsed: (l) => model.onKeyUsed.on(l),
  };
}

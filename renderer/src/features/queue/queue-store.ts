// The queue area's state (zustand): the sessions the broker lists for this rep, each session's log
// and typing indicator, the selected session and the last session key. Fed by console-core's
// sessions events from the moment the console loads, so a new session is announced on any tab.
import { create } from 'zustand';
import type { SessionEvent, SessionKeyView, SessionSummary } from '../../../../src/protocol/index.ts';
import { consoleApi } from '../../console-api.ts';
import i18n from '../../i18n/index.ts';
import { announceNewSession, showWaitingCount } from './notify.ts';

/** A session of the rep's that ended: kept on screen, read-only, until the rep closes it. */
export interface EndedSession {
  session: SessionSummary;
  reason: string;
  at: string;
}

interface QueueState {
  sessions: SessionSummary[];
  ended: Record<string, EndedSession>;
  logs: Record<string, SessionEvent[]>;
  typing: Record<string, string | null>;
  selected: string | null;
  /** The last key generated; `used` once a customer joined with it (it works only once). */
  key: (SessionKeyView & { used?: boolean }) | null;
  select(lsid: string | null): Promise<void>;
  /** The rep is done reading an ended session. */
  dismiss(lsid: string): void;
  createKey(): Promise<void>;
}

export const useQueue = create<QueueState>((set, get) => ({
  sessions: [],
  ended: {},
  logs: {},
  typing: {},
  selected: null,
  key: null,
  async select(lsid) {
    set({ selected: lsid });
    if (lsid && !get().logs[lsid]) {
      const events = await consoleApi.sessions.events(lsid);
      set((s) => ({ logs: { ...s.logs, [lsid]: merge(s.logs[lsid] ?? [], events) } }));
    }
  },
  dismiss(lsid) {
    set((s) => {
      const { [lsid]: _gone, ...ended } = s.ended;
      const { [lsid]: _log, ...logs } = s.logs;
      return { ended, logs, selected: s.selected === lsid ? null : s.selected };
    });
  },
  async createKey() {
    set({ key: await consoleApi.sessions.createKey() });
  },
}));

function merge(log: SessionEvent[], more: SessionEvent[]): SessionEvent[] {
  const bySeq = new Map(log.map((e) => [e.seq, e]));
  for (const e of more) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** Waiting sessions the rep could take (their personal queue and the general queue). */
export const waitingCount = (sessions: SessionSummary[]) => sessions.filter((s) => s.state === 'waiting').length;

consoleApi.sessions.onQueue((sessions) => {
  useQueue.setState((s) => {
    const kept = new Set([...sessions.map((x) => x.lsid), ...Object.keys(s.ended)]);
    return {
      sessions,
      logs: Object.fromEntries(Object.entries(s.logs).filter(([lsid]) => kept.has(lsid))),
      selected: s.selected && kept.has(s.selected) ? s.selected : null,
      // Whoever was typing in a session that left the queue is not typing any more.
      typing: Object.fromEntries(Object.entries(s.typing).filter(([lsid]) => kept.has(lsid) && !s.ended[lsid])),
    };
  });
  showWaitingCount(waitingCount(sessions));
});
consoleApi.sessions.onEvent(({ lsid, event }) => {
  useQueue.setState((s) => {
    const logs = { ...s.logs, [lsid]: merge(s.logs[lsid] ?? [], [event]) };
    const b = event.body;
    // A line sent, or the session over: whoever wrote it is no longer typing.
    const stopped = b.kind === 'session_ended' || (b.kind === 'chat' && s.typing[lsid] === event.actor.name);
    const typing = stopped ? { ...s.typing, [lsid]: null } : s.typing;
    if (b.kind !== 'session_ended') return { logs, typing };
    const session = s.sessions.find((x) => x.lsid === lsid);
    if (!session) return { logs, typing };
    return { logs, typing, ended: { ...s.ended, [lsid]: { session: { ...session, state: 'ended' }, reason: b.reason, at: event.at } } };
  });
});
consoleApi.sessions.onKeyUsed(({ key }) => {
  useQueue.setState((s) => (s.key && s.key.key === key ? { key: { ...s.key, used: true } } : {}));
});
consoleApi.sessions.onTyping(({ lsid, name, typing }) => {
  useQueue.setState((s) => ({ typing: { ...s.typing, [lsid]: typing ? name : null } }));
});
consoleApi.sessions.onNewSession((session) => announceNewSession(i18n.t('queue.newSession', { name: session.customer.name }), session.lsid));

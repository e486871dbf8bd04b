// The queue area's state (zustand): the sessions the broker lists for this rep, each session's log
// and typing indicator, the selected session and the last session key. Fed by console-core's
// sessions events from the moment the console loads, so a new session is announced on any tab.
import { create } from 'zustand';
import type { SessionEvent, SessionKeyView, SessionSummary } from '../../../../src/protocol/index.ts';
import { consoleApi } from '../../console-api.ts';
import i18n from '../../i18n/index.ts';
import { announceNewSession, showWaitingCount } from './notify.ts';

interface QueueState {
  sessions: SessionSummary[];
  logs: Record<string, SessionEvent[]>;
  typing: Record<string, string | null>;
  selected: string | null;
  key: SessionKeyView | null;
  select(lsid: string | null): Promise<void>;
  createKey(): Promise<void>;
}

export const useQueue = create<QueueState>((set, get) => ({
  sessions: [],
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
  const live = new Set(sessions.map((s) => s.lsid));
  useQueue.setState((s) => ({
    sessions,
    logs: Object.fromEntries(Object.entries(s.logs).filter(([lsid]) => live.has(lsid))),
    selected: s.selected && live.has(s.selected) ? s.selected : null,
  }));
  showWaitingCount(waitingCount(sessions));
});
consoleApi.sessions.onEvent(({ lsid, event }) => {
  useQueue.setState((s) => ({ logs: { ...s.logs, [lsid]: merge(s.logs[lsid] ?? [], [event]) } }));
});
consoleApi.sessions.onTyping(({ lsid, name, typing }) => {
  useQueue.setState((s) => ({ typing: { ...s.typing, [lsid]: typing ? name : null } }));
});
consoleApi.sessions.onNewSession((session) => announceNewSession(i18n.t('queue.newSession', { name: session.customer.name }), session.lsid));

// The Jump Clients tab's data: the list for the current search and sort, reloaded while the tab
// is open when the broker pushes a change (jump.changed) so online/offline follows the computers, and the jump in progress (its session opens in
// the Queue tab as soon as the agent has joined it).
import { create } from 'zustand';
import { JUMP_LIST_PAGE, type JumpClientList } from '../../../../src/protocol/jump.ts';
import type { JumpListQuery } from '../../../../src/console-core/jump/jump-area.ts';
import { consoleApi } from '../../console-api.ts';

export type JumpSort = NonNullable<JumpListQuery['sort']>;

interface JumpState {
  list: JumpClientList | null;
  error: unknown;
  q: string;
  sort: JumpSort;
  order: 'asc' | 'desc';
  /** Where the shown page starts (JUMP_LIST_PAGE per page). */
  offset: number;
  /** The query the shown list answers (tests and screen readers wait on it). */
  shownKey: string | null;
  setQuery(q: string): void;
  setSort(sort: JumpSort): void;
  setOffset(offset: number): void;
  load(): Promise<void>;
}

export const keyOf = (s: Pick<JumpState, 'q' | 'sort' | 'order' | 'offset'>) => `${s.q.trim()}|${s.sort}|${s.order}${s.offset ? `|${s.offset}` : ''}`;

export const useJump = create<JumpState>()((set, get) => {
  let latest = 0;
  return {
    list: null,
    error: null,
    q: '',
    sort: 'hostName',
    order: 'asc',
    offset: 0,
    shownKey: null,
    setQuery(q) {
      set({ q, offset: 0 });
      void get().load();
    },
    setSort(sort) {
      const s = get();
      set({ sort, offset: 0, order: s.sort === sort ? (s.order === 'asc' ? 'desc' : 'asc') : sort === 'lastSeenAt' ? 'desc' : 'asc' });
      void get().load();
    },
    setOffset(offset) {
      set({ offset: Math.max(0, offset) });
      void get().load();
    },
    async load() {
      const mine = ++latest;
      const s = get();
      const key = keyOf(s);
      try {
        const list = await consoleApi.jump.list({ ...(s.q.trim() ? { q: s.q.trim() } : {}), sort: s.sort, order: s.order, limit: JUMP_LIST_PAGE, ...(s.offset ? { offset: s.offset } : {}) });
        if (mine === latest) set({ list, error: null, shownKey: key });
      } catch (error) {
        if (mine === latest) set({ error, shownKey: key });
      }
    },
  };
});

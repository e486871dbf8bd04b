// The Users page (USR-*): the list for the current search, and the edits that change it.
import { create } from 'zustand';
import type { CreateUserBody, UpdateUserBody, UserView } from '../../../src/protocol/index.ts';
import { consoleApi } from '../console-api.ts';

interface UsersState {
  users: UserView[];
  query: string;
  loading: boolean;
  error: unknown;
  search(query: string): Promise<void>;
  reload(): Promise<void>;
  create(body: CreateUserBody): Promise<UserView>;
  update(id: number, body: UpdateUserBody): Promise<UserView>;
  remove(id: number): Promise<void>;
  resetFailedLogins(id: number): Promise<void>;
  /** Forgets the list (log out): the next user may not be an administrator. */
  clear(): void;
}

export const useUsers = create<UsersState>()((set, get) => {
  const replace = (u: UserView) => set({ users: get().users.map((x) => (x.id === u.id ? u : x)) });
  let latest = 0;
  return {
    users: [],
    query: '',
    loading: false,
    error: null,

    async search(query) {
      // Searches can overlap while typing; only the newest answer is kept.
      const mine = ++latest;
      set({ query, loading: true });
      try {
        const users = await consoleApi.users.list(query);
        if (mine === latest) set({ users, loading: false, error: null });
      } catch (error) {
        if (mine === latest) set({ loading: false, error });
      }
    },

    reload() {
      return get().search(get().query);
    },

    async create(body) {
      const u = await consoleApi.users.create(body);
      await get().reload();
      return u;
    },

    async update(id, body) {
      const u = await consoleApi.users.update(id, body);
      replace(u);
      return u;
    },

    async remove(id) {
      await consoleApi.users.delete(id);
      set({ users: get().users.filter((u) => u.id !== id) });
    },

    async resetFailedLogins(id) {
      replace(await consoleApi.users.resetFailedLogins(id));
    },

    clear() {
      latest += 1;
      set({ users: [], query: '', loading: false, error: null });
    },
  };
});

// The store interface: every read and write the broker makes. SQL lives only in implementations
// (SQLite now, Postgres later through the same interface), so the interface is async.
import type { Permissions } from '../../protocol/users.ts';
import type { ReportsStore } from './reports-store.ts';
import type { RecordingsStore } from './recordings-store.ts';
import type { JumpStore } from './jump-store.ts';
import type { SessionsStore } from './sessions-store.ts';
import type { SiteImagesStore } from './site-images-store.ts';
import type { PresentationsStore } from './presentations-store.ts';

export interface UserRecord {
  id: number;
  username: string;
  displayName: string;
  displayNumber: number;
  passwordHash: string;
  passwordChangedAt: string;
  passwordExpiresOn: string | null;
  mustChangePassword: boolean;
  securityQuestion: string | null;
  securityAnswerHash: string | null;
  lastAuthenticatedAt: string | null;
  failedLogins: number;
  lockedUntil: string | null;
  disabled: boolean;
  permissions: Permissions;
  /** LOG-5: base32 TOTP secret once enabled; the one being set up; last accepted time step. */
  totpSecret: string | null;
  totpPendingSecret: string | null;
  totpLastStep: number | null;
  createdAt: string;
  updatedAt: string;
}

export type NewUser = Omit<
  UserRecord,
  'id' | 'createdAt' | 'updatedAt' | 'failedLogins' | 'lockedUntil' | 'lastAuthenticatedAt' | 'totpSecret' | 'totpPendingSecret' | 'totpLastStep'
>;
export type UserPatch = Partial<Omit<UserRecord, 'id' | 'createdAt' | 'updatedAt'>>;

export interface AuthSessionRecord {
  id: string;
  userId: number;
  tokenHash: string;
  csrfToken: string;
  client: 'browser' | 'desktop';
  address: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

export interface UsersStore {
  getUserById(id: number): Promise<UserRecord | undefined>;
  getUserByUsername(username: string): Promise<UserRecord | undefined>;
  /** Case-insensitive substring search on username and display name; `q` is matched literally. */
  listUsers(q?: string): Promise<UserRecord[]>;
  insertUser(user: NewUser, now: string): Promise<UserRecord>;
  updateUser(id: number, patch: UserPatch, now: string): Promise<UserRecord | undefined>;
  deleteUser(id: number): Promise<boolean>;
  countUsers(): Promise<number>;
  nextDisplayNumber(): Promise<number>;
}

export interface AuthSessionsStore {
  insertAuthSession(s: AuthSessionRecord): Promise<void>;
  getAuthSessionByTokenHash(tokenHash: string): Promise<AuthSessionRecord | undefined>;
  getAuthSession(id: string): Promise<AuthSessionRecord | undefined>;
  touchAuthSession(id: string, lastSeenAt: string, expiresAt: string): Promise<void>;
  deleteAuthSession(id: string): Promise<void>;
  deleteAuthSessionsForUser(userId: number, exceptId?: string): Promise<number>;
  deleteExpiredAuthSessions(now: string): Promise<number>;
  countUsersWithLiveSessions(now: string): Promise<number>;
  countLiveSessionsForUser(userId: number, now: string): Promise<number>;
}

export interface SettingsStore {
  getSetting(key: string): Promise<string | undefined>;
  putSetting(key: string, value: string): Promise<void>;
}

export interface Store extends UsersStore, AuthSessionsStore, SettingsStore, SessionsStore, ReportsStore, RecordingsStore, SiteImagesStore, JumpStore, PresentationsStore {
  /** Runs `fn` atomically: all its writes land or none do. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  schemaVersion(): number;
  close(): void;
}

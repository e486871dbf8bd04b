// The support-session part of the store: session keys, session records and their event logs.
// Interface here; the SQLite statements in sqlite-sessions-store.ts.
import type { CustomerClientKind, SessionState, StartMethod } from '../../protocol/sessions.ts';

export interface SessionKeyRecord {
  keyHash: string;
  userId: number;
  createdAt: string;
  expiresAt: string;
}

export interface SupportSessionRecord {
  /** The sequence number (REP-2): a small increasing integer. */
  seq: number;
  lsid: string;
  method: StartMethod;
  queueKind: 'general' | 'personal';
  queueUserId: number | null;
  keyUserId: number | null;
  state: SessionState;
  ownerUserId: number | null;
  clientKind: CustomerClientKind;
  customerName: string;
  computerName: string;
  os: string;
  privateIp: string;
  publicIp: string;
  userName: string;
  createdAt: string;
  acceptedAt: string | null;
  endedAt: string | null;
  endReason: string | null;
  /** POR-6: the chat banner this session started with (a site image id, or null for the default). */
  chatBanner: string | null;
}

export type NewSupportSession = Omit<SupportSessionRecord, 'seq' | 'acceptedAt' | 'endedAt' | 'endReason'>;
export type SupportSessionPatch = Partial<Pick<SupportSessionRecord, 'state' | 'ownerUserId' | 'acceptedAt' | 'endedAt' | 'endReason' | 'clientKind' | 'queueKind' | 'queueUserId'>>;

export interface SessionEventRecord {
  lsid: string;
  seq: number;
  at: string;
  kind: string;
  actorKind: 'customer' | 'rep' | 'system';
  actorUserId: number | null;
  actorName: string;
  /** Address of the participant's computer as the broker saw it ('' for the system). */
  actorIp: string;
  /** The sender's own message number, so a replayed message is recognised after a reconnect. */
  senderCid: number | null;
  /** JSON of the event body (src/protocol/sessions.ts SessionEventBody). */
  body: string;
}

export type ConsumeKeyResult = { ok: true; userId: number } | { ok: false; reason: 'unknown' | 'expired' | 'used' };

export interface SessionsStore {
  insertSessionKey(k: SessionKeyRecord): Promise<void>;
  /** Marks a key used, atomically: of two racing customers only one wins. */
  consumeSessionKey(keyHash: string, now: string, lsid: string): Promise<ConsumeKeyResult>;
  deleteExpiredSessionKeys(before: string): Promise<number>;
  insertSupportSession(s: NewSupportSession): Promise<SupportSessionRecord>;
  updateSupportSession(lsid: string, patch: SupportSessionPatch): Promise<void>;
  getSupportSession(lsid: string): Promise<SupportSessionRecord | undefined>;
  listSupportSessionsInState(states: SessionState[]): Promise<SupportSessionRecord[]>;
  appendSessionEvent(e: SessionEventRecord): Promise<void>;
  listSessionEvents(lsid: string, afterSeq?: number): Promise<SessionEventRecord[]>;
}

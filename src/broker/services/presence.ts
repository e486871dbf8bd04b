// Reps connected to the console (STA-6, STA-7): who, since when, from where; terminate one.
import type { LoggedInRep } from '../../protocol/site.ts';
import { PasserelleError } from '../errors.ts';
import type { Clock } from './accounts.ts';
import { newToken } from './secrets.ts';

export interface RepConnection {
  connectionId: string;
  userId: number;
  authSessionId: string;
  username: string;
  displayName: string;
  client: 'browser' | 'desktop';
  address: string;
  connectedAt: Date;
  /** Ends the connection, telling the console why. */
  close(reason: string): void;
}

export interface SessionCounts {
  supportSessions(userId: number): number;
  presentations(userId: number): number;
}

const noSessions: SessionCounts = { supportSessions: () => 0, presentations: () => 0 };

export class PresenceService {
  private readonly connections = new Map<string, RepConnection>();
  private counts: SessionCounts = noSessions;

  constructor(private readonly clock: Clock) {}

  /** The session and presentation services report what each rep runs through this (each its own part). */
  useSessionCounts(counts: Partial<SessionCounts>): void {
    this.counts = { ...this.counts, ...counts };
  }

  add(c: Omit<RepConnection, 'connectionId' | 'connectedAt'>): RepConnection {
    const conn: RepConnection = { ...c, connectionId: newToken(9), connectedAt: this.clock.now() };
    this.connections.set(conn.connectionId, conn);
    return conn;
  }

  remove(connectionId: string): void {
    this.connections.delete(connectionId);
  }

  list(): LoggedInRep[] {
    const now = this.clock.now().getTime();
    return [...this.connections.values()]
      .sort((a, b) => a.connectedAt.getTime() - b.connectedAt.getTime())
      .map((c) => ({
        connectionId: c.connectionId,
        userId: c.userId,
        username: c.username,
        displayName: c.displayName,
        client: c.client,
        connectedAt: c.connectedAt.toISOString(),
        connectedSeconds: Math.max(0, Math.floor((now - c.connectedAt.getTime()) / 1000)),
        supportSessions: this.counts.supportSessions(c.userId),
        presentations: this.counts.presentations(c.userId),
        address: c.address,
      }));
  }

  get(connectionId: string): RepConnection {
    const c = this.connections.get(connectionId);
    if (!c) throw new PasserelleError('not_found', 'That rep is no longer connected');
    return c;
  }

  /**
   * Closes every console connection of a user (account deleted, disabled, password changed),
   * except those of `keepAuthSessionId`: the console that made the change stays connected.
   */
  closeUser(userId: number, reason: string, keepAuthSessionId?: string): void {
    for (const c of [...this.connections.values()]) {
      if (c.userId === userId && c.authSessionId !== keepAuthSessionId) c.close(reason);
    }
  }

  closeAuthSession(authSessionId: string, reason: string): void {
    for (const c of [...this.connections.values()]) if (c.authSessionId === authSessionId) c.close(reason);
  }

  closeAll(reason: string): void {
    for (const c of [...this.connections.values()]) c.close(reason);
  }
}

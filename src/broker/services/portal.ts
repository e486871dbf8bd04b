// The public support portal (POR-1, POR-3, POR-4, POR-5): its settings, and one-time tickets a
// portal start hands to the web chat or the customer client.
import type { CustomerClientKind, PortalSettings, UpdatePortalSettingsBody } from '../../protocol/sessions.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './accounts.ts';
import { newToken } from './secrets.ts';

const SETTINGS_KEY = 'portal';
const TICKET_MS = 30 * 60_000;

export const defaultPortalSettings: PortalSettings = {
  showRepList: true,
  showSessionKeyForm: true,
  showConnectButton: true,
  showPresentationList: true,
  clickToChat: false,
  allowCustomerAutoApprove: false,
  sessionKeyMinutes: 15,
};

/** Where a starting session goes; decided once, when the customer starts. */
export interface JoinPlan {
  lsid: string;
  method: 'session_key' | 'rep_list' | 'connect' | 'jump';
  queue: { kind: 'general' } | { kind: 'personal'; userId: number };
  keyUserId: number | null;
  /** JMP-9: the rep who jumped takes the session as soon as the Jump Client joins it. */
  jumpedBy?: { userId: number; name: string; ip: string };
}

export interface Ticket {
  plan: JoinPlan;
  mode: CustomerClientKind;
  customerName: string | undefined;
  expiresAt: number;
}

export class PortalService {
  private cache: PortalSettings | undefined;
  private readonly tickets = new Map<string, Ticket>();
  /** Download tickets for the full client of a running web chat (POR-5): the session they resume. */
  private readonly resumeDownloads = new Map<string, { lsid: string; resumeToken: string; expiresAt: number }>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async settings(): Promise<PortalSettings> {
    if (this.cache) return this.cache;
    const raw = await this.store.getSetting(SETTINGS_KEY);
    this.cache = { ...defaultPortalSettings, ...(raw ? (JSON.parse(raw) as Partial<PortalSettings>) : {}) };
    return this.cache;
  }

  async update(patch: UpdatePortalSettingsBody): Promise<PortalSettings> {
    const next: PortalSettings = { ...(await this.settings()) };
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) (next as Record<string, unknown>)[k] = v;
    await this.store.putSetting(SETTINGS_KEY, JSON.stringify(next));
    this.cache = next;
    return next;
  }

  issueTicket(plan: JoinPlan, mode: CustomerClientKind, customerName: string | undefined): { ticket: string; expiresAt: string } {
    const now = this.clock.now().getTime();
    for (const [t, v] of this.tickets) if (v.expiresAt <= now) this.tickets.delete(t);
    const ticket = newToken(24);
    this.tickets.set(ticket, { plan, mode, customerName, expiresAt: now + TICKET_MS });
    return { ticket, expiresAt: new Date(now + TICKET_MS).toISOString() };
  }

  /** Whether a ticket is still good, without using it (the client download carries it). */
  peekTicket(ticket: string): boolean {
    const t = this.tickets.get(ticket);
    return t !== undefined && t.expiresAt > this.clock.now().getTime();
  }

  /** Single use: a ticket joins one session once (a resume uses the session's resume token). */
  redeemTicket(ticket: string): Ticket | undefined {
    const t = this.tickets.get(ticket);
    if (!t) return undefined;
    this.tickets.delete(ticket);
    return t.expiresAt > this.clock.now().getTime() ? t : undefined;
  }

  /** A download ticket for the customer client that resumes session `lsid` (the caller checked the token). */
  issueResumeDownload(lsid: string, resumeToken: string): { ticket: string; expiresAt: string } {
    const now = this.clock.now().getTime();
    for (const [t, v] of this.resumeDownloads) if (v.expiresAt <= now) this.resumeDownloads.delete(t);
    const ticket = newToken(24);
    this.resumeDownloads.set(ticket, { lsid, resumeToken, expiresAt: now + TICKET_MS });
    return { ticket, expiresAt: new Date(now + TICKET_MS).toISOString() };
  }

  /** The session a download ticket resumes, while the ticket is good (a browser may fetch twice). */
  peekResumeDownload(ticket: string): { lsid: string; resumeToken: string } | undefined {
    const t = this.resumeDownloads.get(ticket);
    return t && t.expiresAt > this.clock.now().getTime() ? { lsid: t.lsid, resumeToken: t.resumeToken } : undefined;
  }
}

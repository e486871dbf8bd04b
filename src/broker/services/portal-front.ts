// What the public support portal does (POR-1, POR-3, POR-4, POR-5), apart from HTTP: the view it
// shows, starting a session from it (which method the site allows, where the session goes, the
// ticket and the command that runs the customer client), and the full-client download of a
// running web chat. The routes only validate and call these.
import type { PortalTicket, PortalView, StartPortalSessionBody } from '../../protocol/sessions.ts';
import { PasserelleError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { PortalService } from './portal.ts';
import type { PresenceService } from './presence.ts';
import type { SessionsService } from './sessions.ts';
import type { SiteService } from './site.ts';

/**
 * The command that runs the customer client against this site: the client host name (STA-5), not
 * the Host header a browser used, and the certificate pin when the broker has one.
 */
export async function customerClientCommand(site: SiteService, fingerprint: string | null, ticket?: string): Promise<string> {
  return `passerelle customer --broker ${await site.clientBrokerUrl()}${ticket ? ` --ticket=${ticket}` : ''}${fingerprint ? ` --pin ${fingerprint}` : ''}`;
}

export class PortalFront {
  constructor(private readonly d: {
    store: Store;
    portal: PortalService;
    presence: PresenceService;
    sessions: SessionsService;
    site: SiteService;
    fingerprint: string | null;
  }) {}

  /** POR-1: the enabled start methods and, when shown, the logged-in reps (enabled accounts, by display number). */
  async view(): Promise<PortalView> {
    const s = await this.d.portal.settings();
    const reps: PortalView['reps'] = [];
    if (s.showRepList) {
      for (const id of new Set(this.d.presence.list().map((r) => r.userId))) {
        const u = await this.d.store.getUserById(id);
        if (u && !u.disabled) reps.push({ id: u.id, displayName: u.displayName, displayNumber: u.displayNumber });
      }
      reps.sort((a, b) => a.displayNumber - b.displayNumber || a.displayName.localeCompare(b.displayName));
    }
    return { showRepList: s.showRepList, showSessionKeyForm: s.showSessionKeyForm, showConnectButton: s.showConnectButton, showPresentationList: s.showPresentationList, clickToChat: s.clickToChat, reps };
  }

  /** POR-3, POR-4: a start by session key, by rep or by Connect; the ticket joins the web chat or the customer client. */
  async start(b: StartPortalSessionBody, address: string): Promise<PortalTicket> {
    const s = await this.d.portal.settings();
    if (b.method === 'session_key' && !s.showSessionKeyForm) throw new PasserelleError('forbidden', 'The session key form is turned off on this site');
    const plan = await this.d.sessions.planJoin(
      b.method === 'session_key' ? { kind: 'key', key: b.key } : b.method === 'rep_list' ? { kind: 'rep', rep: String(b.repId) } : { kind: 'connect' },
      address,
    );
    const mode = s.clickToChat ? ('web_chat' as const) : ('customer_client' as const);
    const { ticket, expiresAt } = this.d.portal.issueTicket(plan, mode, b.customerName);
    return { ticket, expiresAt, mode, command: await customerClientCommand(this.d.site, this.d.fingerprint, ticket) };
  }

  /** POR-5: a download of the customer client that continues this running web chat. */
  clientDownload(lsid: string, resumeToken: string): { ticket: string; expiresAt: string } {
    if (!this.d.sessions.canResume(lsid, resumeToken)) throw new PasserelleError('resume_expired', 'This session has ended or can no longer be resumed');
    return this.d.portal.issueResumeDownload(lsid, resumeToken);
  }
}

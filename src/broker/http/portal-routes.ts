// The public support portal's API (POR-1, POR-3, POR-4, POR-5) and its settings (admin).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ClientDownloadBody, ClientDownloadTicket, PortalSettings, PortalTicket, PortalView, StartPortalSessionBody, UpdatePortalSettingsBody } from '../../protocol/sessions.ts';
import { PasserelleError } from '../errors.ts';
import type { Services } from '../services/index.ts';
import { errs } from './auth-plugin.ts';

export interface PortalRoutesOptions {
  services: Services;
  /** Starts per address and window (key guesses are limited again, per failure, by the service). */
  startRateLimit: { max: number; timeWindow: number };
}

export const portalRoutes: FastifyPluginAsyncZod<PortalRoutesOptions> = async (app, { services, startRateLimit }) => {
  const { portal, sessions, store } = services;
  const tags = ['portal'];

  app.get('/portal', {
    config: { access: 'public' },
    schema: { operationId: 'getPortal', tags, summary: 'What the public support portal shows: enabled start methods and logged-in reps', response: { 200: PortalView } },
  }, async () => {
    const s = await portal.settings();
    const reps = [];
    if (s.showRepList) {
      const ids = new Set(services.presence.list().map((r) => r.userId));
      for (const id of ids) {
        const u = await store.getUserById(id);
        if (u && !u.disabled) reps.push({ id: u.id, displayName: u.displayName, displayNumber: u.displayNumber });
      }
      reps.sort((a, b) => a.displayNumber - b.displayNumber || a.displayName.localeCompare(b.displayName));
    }
    return { showRepList: s.showRepList, showSessionKeyForm: s.showSessionKeyForm, showConnectButton: s.showConnectButton, showPresentationList: s.showPresentationList, clickToChat: s.clickToChat, reps };
  });

  app.post('/portal/start', {
    config: { access: 'public', rateLimit: startRateLimit },
    schema: {
      operationId: 'startPortalSession',
      tags,
      summary: 'Start a session from the portal: returns a one-time ticket for the web chat or the customer client',
      body: StartPortalSessionBody,
      response: { 200: PortalTicket, ...errs(400, 403, 404, 429) },
    },
  }, async (req) => {
    const s = await portal.settings();
    const b = req.body;
    if (b.method === 'session_key' && !s.showSessionKeyForm) throw new PasserelleError('forbidden', 'The session key form is turned off on this site');
    const plan = await sessions.planJoin(
      b.method === 'session_key' ? { kind: 'key', key: b.key } : b.method === 'rep_list' ? { kind: 'rep', rep: String(b.repId) } : { kind: 'connect' },
      req.ip,
    );
    const mode = s.clickToChat ? ('web_chat' as const) : ('customer_client' as const);
    const { ticket, expiresAt } = portal.issueTicket(plan, mode, b.customerName);
    // The site's client host name (STA-5), as the customer client download uses, not the Host header.
    const command = `passerelle customer --broker ${await services.site.clientBrokerUrl()} --ticket=${ticket} --pin ${services.certificateFingerprint ?? ''}`;
    return { ticket, expiresAt, mode, command };
  });

  app.post('/portal/client-download', {
    config: { access: 'public', rateLimit: startRateLimit },
    schema: {
      operationId: 'createClientDownload',
      tags,
      summary: 'From the web chat: a download ticket for the customer client that continues this same session (POR-5)',
      body: ClientDownloadBody,
      response: { 200: ClientDownloadTicket, ...errs(400, 410, 429) },
    },
  }, async (req) => {
    const { lsid, resumeToken } = req.body;
    if (!sessions.canResume(lsid, resumeToken)) throw new PasserelleError('resume_expired', 'This session has ended or can no longer be resumed');
    return portal.issueResumeDownload(lsid, resumeToken);
  });

  app.get('/portal/settings', {
    config: { access: 'admin' },
    schema: { operationId: 'getPortalSettings', tags, summary: 'Support Portal page: start methods and click-to-chat', response: { 200: PortalSettings, ...errs(401, 403) } },
  }, async () => portal.settings());

  app.patch('/portal/settings', {
    config: { access: 'admin' },
    schema: {
      operationId: 'updatePortalSettings',
      tags,
      summary: 'Turn the rep list, session key form, Connect button and click-to-chat on or off',
      body: UpdatePortalSettingsBody,
      response: { 200: PortalSettings, ...errs(400, 401, 403) },
    },
  }, async (req) => portal.update(req.body));
};

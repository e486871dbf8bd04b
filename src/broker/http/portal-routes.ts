// The public support portal's API (POR-1, POR-3, POR-4, POR-5) and its settings (admin).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ClientDownloadBody, ClientDownloadTicket, PortalSettings, PortalTicket, PortalView, StartPortalSessionBody, UpdatePortalSettingsBody } from '../../protocol/sessions.ts';
import type { Services } from '../services/index.ts';
import { errs } from './auth-plugin.ts';

export interface PortalRoutesOptions {
  services: Services;
  /** Starts per address and window (key guesses are limited again, per failure, by the service). */
  startRateLimit: { max: number; timeWindow: number };
}

export const portalRoutes: FastifyPluginAsyncZod<PortalRoutesOptions> = async (app, { services, startRateLimit }) => {
  const { portal, portalFront } = services;
  const tags = ['portal'];

  app.get('/portal', {
    config: { access: 'public' },
    schema: { operationId: 'getPortal', tags, summary: 'What the public support portal shows: enabled start methods and logged-in reps', response: { 200: PortalView } },
  }, async () => portalFront.view());

  app.post('/portal/start', {
    config: { access: 'public', rateLimit: startRateLimit },
    schema: {
      operationId: 'startPortalSession',
      tags,
      summary: 'Start a session from the portal: returns a one-time ticket for the web chat or the customer client',
      body: StartPortalSessionBody,
      response: { 200: PortalTicket, ...errs(400, 403, 404, 429) },
    },
  }, async (req) => portalFront.start(req.body, req.ip));

  app.post('/portal/client-download', {
    config: { access: 'public', rateLimit: startRateLimit },
    schema: {
      operationId: 'createClientDownload',
      tags,
      summary: 'From the web chat: a download ticket for the customer client that continues this same session (POR-5)',
      body: ClientDownloadBody,
      response: { 200: ClientDownloadTicket, ...errs(400, 410, 429) },
    },
  }, async (req) => portalFront.clientDownload(req.body.lsid, req.body.resumeToken));

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

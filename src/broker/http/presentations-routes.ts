// Presentations over REST: the portal's list of listed presentations (POR-2, public) and the
// presentation reports (REP-6: period filter, list, detail) for the Reports tab and scripts.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ListedPresentations, PresentationIdParams, PresentationReport, PresentationReportList, PresentationReportQuery } from '../../protocol/presentations.ts';
import type { Services } from '../services/index.ts';
import { authOf, errs } from './auth-plugin.ts';

export const presentationsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.get('/portal/presentations', {
    config: { access: 'public' },
    schema: {
      operationId: 'listPortalPresentations',
      tags: ['portal'],
      summary: 'Running presentations their presenter chose to list on the portal (POR-2); none while the site hides the list',
      response: { 200: ListedPresentations },
    },
  }, async () => ((await services.portal.settings()).showPresentationList ? services.presentations.listed() : { presentations: [] }));

  const tags = ['reports'];
  const access = { permission: 'viewReports' } as const;
  const reader = (req: Parameters<typeof authOf>[0]) => ({ user: authOf(req).user, address: req.ip });

  app.get('/reports/presentations', {
    config: { access },
    schema: {
      operationId: 'listPresentationReports',
      tags,
      summary: 'Presentations started in a period (REP-6), newest first, one page: from plus days, or from and to (inclusive days in the site time zone)',
      querystring: PresentationReportQuery,
      response: { 200: PresentationReportList, ...errs(400, 401, 403) },
    },
  }, async (req) => services.presentationReports.list(reader(req), req.query));

  app.get('/reports/presentations/:presentationId', {
    config: { access },
    schema: {
      operationId: 'getPresentationReport',
      tags,
      summary: 'One presentation (REP-6): presenter, public and private IPs, start and end, attendees with join and leave times, every event',
      params: PresentationIdParams,
      response: { 200: PresentationReport, ...errs(400, 401, 403, 404) },
    },
  }, async (req) => services.presentationReports.detail(reader(req), req.params.presentationId));
};

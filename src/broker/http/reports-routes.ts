// Support session reports over REST (REP-1..4, USR-9), for the Reports tab and for auditors'
// scripts: the list (JSON or CSV), one session's detail (JSON or a self-contained HTML file), the
// reps to filter by, and the audit of report access (issue 10 item 3).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Readable } from 'node:stream';
import { z } from 'zod';
import {
  ReportAccessList,
  ReportAccessQuery,
  ReportLsidParams,
  ReportRepChoices,
  SessionReport,
  SessionReportList,
  SessionReportQuery,
} from '../../protocol/reports.ts';
import type { Services } from '../services/index.ts';
import { authOf, errs } from './auth-plugin.ts';

const DownloadQuery = z.object({ lang: z.enum(['en', 'fr']).optional() }).strict();

export const reportsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { reports } = services;
  const tags = ['reports'];
  const access = { permission: 'viewReports' } as const;
  const reader = (req: Parameters<typeof authOf>[0]) => ({ user: authOf(req).user, address: req.ip });

  app.get('/reports/sessions', {
    config: { access },
    schema: {
      operationId: 'listSessionReports',
      tags,
      summary: 'Support sessions matching the REP-2 filters, one page, sorted (REP-3); LSID or sequence number stand alone',
      querystring: SessionReportQuery,
      response: { 200: SessionReportList, ...errs(400, 401, 403) },
    },
  }, async (req) => reports.list(reader(req), req.query));

  app.get('/reports/sessions.csv', {
    config: { access },
    schema: {
      operationId: 'exportSessionReports',
      tags,
      summary: 'The whole filtered list as CSV (text/csv, UTF-8; cells that would be spreadsheet formulas are prefixed with \')',
      querystring: SessionReportQuery.omit({ page: true, pageSize: true }),
      response: errs(400, 401, 403),
    },
  }, async (req, reply) => {
    const { filename, lines } = await reports.csv(reader(req), req.query);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${filename}"`)
      .header('cache-control', 'no-store')
      // Text, not JSON: Fastify sends a stream or a string with its own content type unserialised.
      .send(Readable.from(lines) as never);
  });

  app.get('/reports/sessions/:lsid', {
    config: { access },
    schema: {
      operationId: 'getSessionReport',
      tags,
      summary: 'One session in full (REP-4): transcript, permissions, files, both computers, every event',
      params: ReportLsidParams,
      response: { 200: SessionReport, ...errs(400, 401, 403, 404) },
    },
  }, async (req) => reports.detail(reader(req), req.params.lsid));

  app.get('/reports/sessions/:lsid/download', {
    config: { access },
    schema: {
      operationId: 'downloadSessionReport',
      tags,
      summary: 'One session\'s report as a self-contained HTML file (text/html), in English or French',
      params: ReportLsidParams,
      querystring: DownloadQuery,
      response: errs(400, 401, 403, 404),
    },
  }, async (req, reply) => {
    const { filename, html } = await reports.html(reader(req), req.params.lsid, req.query.lang ?? 'en');
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-disposition', `attachment; filename="${filename}"`)
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .header('cache-control', 'no-store')
      .send(html as never);
  });

  app.get('/reports/reps', {
    config: { access },
    schema: {
      operationId: 'listReportReps',
      tags,
      summary: 'The reps the "a given rep" filter offers',
      response: { 200: ReportRepChoices, ...errs(401, 403) },
    },
  }, async (req) => ({ reps: await reports.repChoices(reader(req)) }));

  app.get('/reports/access-log', {
    config: { access: 'admin' },
    schema: {
      operationId: 'listReportAccess',
      tags,
      summary: 'Who viewed, listed or downloaded which report, newest first (administrators)',
      querystring: ReportAccessQuery,
      response: { 200: ReportAccessList, ...errs(400, 401, 403) },
    },
  }, async (req) => reports.accessLog(req.query.page ?? 1));
};

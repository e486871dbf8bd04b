// Console downloads for My Account (ACC-1) and the console's update feed (CON-12).
import { createReadStream } from 'node:fs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ConsoleDownloadParams, ConsoleDownloads, detectPlatform } from '../../protocol/downloads.ts';
import { PasserelleError } from '../errors.ts';
import type { ConsoleReleases } from '../services/console-releases.ts';
import { errs } from './auth-plugin.ts';

/** RFC 6266 attachment header with an ASCII fallback and the UTF-8 name. */
function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export const downloadsRoutes: FastifyPluginAsyncZod<{ releases: ConsoleReleases }> = async (app, { releases }) => {
  const tags = ['downloads'];

  app.get('/downloads/console', {
    config: { access: 'user' },
    schema: {
      operationId: 'listConsoleDownloads',
      tags,
      summary: 'Console installers on this broker, and the platform detected for the caller',
      response: { 200: ConsoleDownloads, ...errs(401, 403) },
    },
  }, async (req) => ({ detected: detectPlatform(req.headers['user-agent']), downloads: releases.downloads() }));

  app.get('/downloads/console/:kind', {
    config: { access: 'user' },
    schema: {
      operationId: 'downloadConsole',
      tags,
      summary: 'Download a console installer (msi, nsis, dmg, appimage, deb)',
      params: ConsoleDownloadParams,
      response: { 200: z.any(), ...errs(400, 401, 403, 404) },
    },
  }, async (req, reply) => {
    const a = releases.artifact(req.params.kind);
    if (!a) throw new PasserelleError('not_found', `No ${req.params.kind} console installer on this broker`);
    reply.header('content-type', a.type).header('content-length', a.size).header('content-disposition', attachment(a.fileName)).header('cache-control', 'no-store');
    return reply.send(createReadStream(a.path));
  });

  // electron-updater fetches without credentials; the feed holds only what the downloads offer.
  app.get('/updates/console/:file', {
    config: { access: 'public' },
    schema: {
      operationId: 'getConsoleUpdateFile',
      tags,
      summary: 'The console update feed (electron-updater generic provider): latest*.yml, msi.yml and installers',
      params: z.object({ file: z.string().max(220) }),
      response: { 200: z.any(), ...errs(400, 404) },
    },
  }, async (req, reply) => {
    const f = releases.feedFile(req.params.file);
    if (!f) throw new PasserelleError('not_found', 'No such file in the console update feed');
    reply.header('content-type', f.type).header('content-length', f.size).header('cache-control', 'no-cache');
    return reply.send(createReadStream(f.path));
  });
};

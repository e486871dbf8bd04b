// The customer client download (POR-3, POR-5): the Linux single executable, with this site's
// address, its certificate pin and either the portal ticket (it joins that session by itself) or,
// from the web chat, the session it resumes (the web chat's conversation continues in it).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { encodeTrailer } from '../../protocol/embedded-config.ts';
import { appRoot } from '../app-root.ts';
import { PasserelleError } from '../errors.ts';
import type { Services } from '../services/index.ts';

export const customerPlatforms = ['linux-x64'] as const;

export const customerDownloadRoutes: FastifyPluginAsyncZod<{ services: Services; dir?: string }> = async (app, { services, dir }) => {
  const folder = dir ?? join(appRoot().root, 'dist', 'customer');
  app.get('/download/customer/:platform', {
    config: { access: 'public', rateLimit: { max: 20, timeWindow: 60_000 } },
    schema: {
      hide: true,
      params: z.object({ platform: z.enum(customerPlatforms) }).strict(),
      querystring: z.object({ ticket: z.string().min(1).max(128).optional() }).strict(),
    },
  }, async (req, reply) => {
    const file = join(folder, `passerelle-customer-${req.params.platform}`);
    if (!existsSync(file)) throw new PasserelleError('not_found', 'The customer client for this platform is not built on this site');
    const { ticket } = req.query;
    const resume = ticket ? services.portal.peekResumeDownload(ticket) : undefined;
    if (resume) {
      if (!services.sessions.canResume(resume.lsid, resume.resumeToken)) throw new PasserelleError('resume_expired', 'This session has ended: start again from the support portal');
    } else if (ticket && !services.portal.peekTicket(ticket)) {
      throw new PasserelleError('invalid_session_key', 'This link has expired or was already used; start again from the support portal');
    }
    const trailer = encodeTrailer({
      broker: await services.site.clientBrokerUrl(),
      ...(services.certificateFingerprint ? { pin: services.certificateFingerprint } : {}),
      ...(resume ? { resume } : ticket ? { ticket } : {}),
    });
    const size = statSync(file).size;
    async function* body() {
      yield* createReadStream(file);
      yield Buffer.from(trailer);
    }
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-length', String(size + trailer.length))
      .header('content-disposition', `attachment; filename="passerelle-support-${req.params.platform}"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(body()));
  });
};

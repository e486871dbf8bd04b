// Serves the built renderer: the web console at /login and /console (CON-11), its assets, and
// security headers on every response.
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' wss:",
  "media-src 'self' blob: data:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/**
 * Pages are revalidated on every load: after an upgrade they name new hashed assets, and the old
 * ones are gone. Only the hashed assets are immutable. (`sendFile` would otherwise apply the
 * assets' year-long immutable cache to the pages too.)
 */
const HTML_CACHE = 'no-cache';

export async function registerWeb(app: FastifyInstance, webRoot: string): Promise<void> {
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('strict-transport-security', 'max-age=31536000');
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html')) {
      // A route may set a stricter policy of its own (the self-contained report download does).
      if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', CSP);
      reply.header('x-frame-options', 'DENY');
    }
    return payload;
  });

  const built = existsSync(join(webRoot, 'index.html'));
  if (built) {
    // One wildcard route for the hashed assets (registering a route per file slows every start).
    await app.register(fastifyStatic, { root: join(webRoot, 'assets'), prefix: '/assets/', index: false, wildcard: true, decorateReply: true, immutable: true, maxAge: '365d' });
  }
  const page = (_req: unknown, reply: import('fastify').FastifyReply) => {
    if (!built) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The web console is not built. Run `npm run build` in the Passerelle checkout, then reload.');
    }
    return reply.header('cache-control', HTML_CACHE).sendFile('index.html', webRoot, { cacheControl: false });
  };
  const html = { config: { access: 'public' as const }, schema: { hide: true } };
  app.get('/login', html, page);
  app.get('/login/*', html, page);
  app.get('/console', html, page);
  app.get('/console/*', html, page);
  // The public support portal (POR-1, POR-3, POR-4, POR-5), when the renderer build has it.
  const portalBuilt = existsSync(join(webRoot, 'portal.html'));
  app.get('/', html, async (_req, reply) =>
    portalBuilt ? reply.header('cache-control', HTML_CACHE).sendFile('portal.html', webRoot, { cacheControl: false }) : reply.redirect('/login'),
  );
}

// Starts a broker: store, services, HTTPS server with the REST API, web console and gateways.
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import { MAX_WS_BINARY_BYTES } from '../protocol/channels.ts';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { z } from 'zod';
import { appRoot } from './app-root.ts';
import { authRoutes } from './http/auth-routes.ts';
import { totpRoutes } from './http/totp-routes.ts';
import { downloadsRoutes } from './http/downloads-routes.ts';
import { ConsoleReleases } from './services/console-releases.ts';
import { registerAuth, withOperationSecurity } from './http/auth-plugin.ts';
import { recordingsRoutes } from './http/recordings-routes.ts';
import { reportsRoutes } from './http/reports-routes.ts';
import { registerErrorHandling } from './http/errors-plugin.ts';
import { siteRoutes } from './http/site-routes.ts';
import { usersRoutes } from './http/users-routes.ts';
import { registerWeb } from './http/web-routes.ts';
import type { Clock } from './services/accounts.ts';
import { createServices, type Services } from './services/index.ts';
import { openSqliteStore } from './store/sqlite-store.ts';
import { loadOrCreateCertificate, TLS_SERVER_OPTIONS } from './tls.ts';
import { registerRepGateway } from './ws/rep-gateway.ts';
import { registerCustomerGateway } from './ws/customer-gateway.ts';
import { customerDownloadRoutes } from './http/customer-download-routes.ts';
import { portalRoutes } from './http/portal-routes.ts';
import { portalLookRoutes } from './http/portal-look-routes.ts';
import { sessionsRoutes } from './http/sessions-routes.ts';
import { jumpRoutes } from './http/jump-routes.ts';
import { jumpDownloadRoutes } from './http/jump-download-routes.ts';
import { registerJumpGateway } from './ws/jump-gateway.ts';
import { presentationsRoutes } from './http/presentations-routes.ts';
import { registerPresenterGateway } from './ws/presenter-gateway.ts';
import { registerAttendeeGateway } from './ws/attendee-gateway.ts';

export interface BrokerConfig {
  dataDir: string;
  host?: string;
  port?: number;
  tls?: { cert: string; key: string };
  logger?: Logger;
  logLevel?: string;
  clock?: Clock;
  licences?: { namedUsers: number; jumpClients: number };
  /** Login, password-reset: attempts per address and window (LOG-4 +). */
  loginRateLimit?: { max: number; timeWindow: number };
  webRoot?: string;
  /** STA-4: how this broker restarts when an administrator asks (the CLI supervises it); absent when embedded. */
  onRestartRequested?: () => void;
  /** Support sessions: resume grace (default 60 s), key guesses per address and minute, portal starts. */
  /** framesPerSecond: binary frames one connection may send per second (burst twice that; default 10,000). */
  sessions?: { resumeGraceMs?: number; keyAttemptsPerMinute?: number; startsPerMinute?: number; framesPerSecond?: number; portalStartRateLimit?: { max: number; timeWindow: number } };
  /**
   * Jump Clients: registrations per address and minute (default 30), heartbeat period (default
   * 60 s), connections being authenticated at once (default 256) and the retry delay told beyond it.
   */
  jump?: { registrationsPerMinute?: number; heartbeatSeconds?: number; admissionLimit?: number; busyRetryMs?: number };
  /** Where the Jump Client installers are (default dist/jump). */
  jumpInstallersDir?: string;
  /** Presentations: presenter resume grace (default 60 s), attendees per presentation, joins and wrong keys per address and minute. */
  presentations?: { resumeGraceMs?: number; maxAttendees?: number; joinsPerMinute?: number; keyAttemptsPerMinute?: number };
}

export interface Broker {
  url: string;
  port: number;
  fingerprint: string;
  certificate: string;
  certificateGenerated: boolean;
  services: Services;
  app: FastifyInstance;
  close(): Promise<void>;
}

const API_BODY_LIMIT = 64 * 1024;

export function createLogger(level = 'info'): Logger {
  // Logs go to stderr so stdout carries only the lines operators and scripts read.
  return pino({
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.token', '*.newPassword', '*.currentPassword', '*.answer'],
      censor: '[redacted]',
    },
  }, pino.destination(2));
}

export async function startBroker(config: BrokerConfig): Promise<Broker> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const log = config.logger ?? createLogger(config.logLevel);
  const tls = await loadOrCreateCertificate(config.dataDir, config.tls);
  const store = openSqliteStore(join(config.dataDir, 'passerelle.db'), log);
  const host = config.host ?? '127.0.0.1';
  let publicUrl = '';
  let clientHost = host === '0.0.0.0' || host === '::' ? hostname() : host;
  const services = createServices({
    store,
    log,
    clock: config.clock,
    licences: config.licences ?? { namedUsers: 50, jumpClients: 1000 },
    defaultHostName: () => clientHost,
    version: appRoot().version,
    certificateFingerprint: tls.fingerprint,
    sessions: config.sessions,
    publicUrl: () => publicUrl,
    jump: config.jump,
    dataDir: config.dataDir,
    jumpInstallersDir: config.jumpInstallersDir ?? join(appRoot().root, 'dist', 'jump'),
    presentations: config.presentations,
  });
  await services.accounts.ensureInitialAdmin();
  await services.recordings.init();
  await services.sessions.recoverAfterRestart();
  await services.presentations.recoverAfterRestart();

  // Typed as the default instance so plugins written against FastifyInstance accept it; it serves HTTPS.
  const app = (Fastify({
    loggerInstance: log as FastifyBaseLogger,
    // Ticket keys kept in the data directory: after a restart, thousands of Jump Clients resume
    // their TLS sessions instead of paying a full handshake each.
    https: { cert: tls.cert, key: tls.key, ticketKeys: tls.ticketKeys, ...TLS_SERVER_OPTIONS },
    bodyLimit: API_BODY_LIMIT,
    trustProxy: false,
    forceCloseConnections: true,
  }) as unknown as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);

  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(websocket, { options: { maxPayload: MAX_WS_BINARY_BYTES, perMessageDeflate: false } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Passerelle broker API', version: appRoot().version, description: 'The REST API the Passerelle console itself uses.' },
      components: {
        securitySchemes: {
          cookie: { type: 'apiKey', in: 'cookie', name: '__Host-passerelle' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ cookie: [] }, { bearer: [] }],
    },
    transform: withOperationSecurity,
  });
  registerAuth(app, services.accounts);

  app.get('/api/health', { config: { access: 'public' }, schema: { hide: true, response: { 200: z.object({ ok: z.literal(true), version: z.string() }) } } },
    async () => ({ ok: true as const, version: services.version }));
  await app.register(
    async (api) => {
      api.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
      await api.register(authRoutes, { services, loginRateLimit: config.loginRateLimit ?? { max: 10, timeWindow: 60_000 } });
      await api.register(totpRoutes, { services });
      await api.register(usersRoutes, { services });
      await api.register(siteRoutes, { services, restart: config.onRestartRequested });
      await api.register(sessionsRoutes, { services });
      await api.register(reportsRoutes, { services });
      await api.register(recordingsRoutes, { services });
      await api.register(jumpRoutes, { services });
      await api.register(portalRoutes, { services, startRateLimit: config.sessions?.portalStartRateLimit ?? { max: 30, timeWindow: 60_000 } });
      await api.register(portalLookRoutes, { services });
      await api.register(presentationsRoutes, { services });
      await api.register(downloadsRoutes, { releases: new ConsoleReleases(config.dataDir) });
    },
    { prefix: '/api/v1' },
  );
  registerRepGateway(app, services);
  registerCustomerGateway(app, services);
  registerJumpGateway(app, services);
  registerPresenterGateway(app, services);
  registerAttendeeGateway(app, services);
  await app.register(customerDownloadRoutes, { services });
  await app.register(jumpDownloadRoutes, { services, ...(config.jumpInstallersDir ? { dir: config.jumpInstallersDir } : {}) });
  await registerWeb(app, config.webRoot ?? join(appRoot().root, 'dist', 'renderer'));
  app.setNotFoundHandler((req, reply) => {
    req.log.info('no such route');
    return reply.code(404).send({ error: { code: 'not_found', message: `No route for ${req.method} ${req.url.split('?')[0]}` } });
  });

  await app.listen({ host, port: config.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (config.port ?? 0);
  const urlHost = host === '0.0.0.0' || host === '::' ? hostname() : host.includes(':') ? `[${host}]` : host;

  publicUrl = `https://${urlHost}:${port}`;
  if (!urlHost.startsWith('[')) clientHost = `${urlHost}:${port}`;
  services.jumpClients.start();
  let closed = false;
  return {
    url: `https://${urlHost}:${port}`,
    port,
    fingerprint: tls.fingerprint,
    certificate: tls.cert,
    certificateGenerated: tls.generated,
    services,
    app,
    async close() {
      if (closed) return;
      closed = true;
      await services.sessions.shutdown();
      await services.presentations.shutdown();
      services.jumpClients.stop();
      services.recordings.stop();
      services.presence.closeAll('broker_shutdown');
      await app.close();
      store.close();
    },
  };
}

// Site status and settings (STA-1, STA-3, STA-5..7), logged-in reps and terminate.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Ok } from '../../protocol/auth.ts';
import { ConnectionIdParams, LoggedInRep, SiteSettings, SiteStatus, UpdateSiteSettingsBody } from '../../protocol/site.ts';
import { z } from 'zod';
import type { Services } from '../services/index.ts';
import { supportedTimeZones } from '../services/site.ts';
import { PasserelleError } from '../errors.ts';
import { authOf, errs } from './auth-plugin.ts';

export const siteRoutes: FastifyPluginAsyncZod<{ services: Services; restart?: () => void }> = async (app, { services, restart }) => {
  const { site, presence, store, clock } = services;
  const tags = ['site'];
  const zones = supportedTimeZones();

  app.get('/site/status', {
    config: { access: 'user' },
    schema: { operationId: 'getSiteStatus', tags, summary: 'Site status (the Status page)', response: { 200: SiteStatus, ...errs(401, 403) } },
  }, async () => {
    const settings = await site.settings();
    const now = clock.now();
    return {
      version: services.version,
      settings,
      timeZones: zones,
      licences: {
        namedUsersAllowed: settings.namedUserLicences,
        namedUsersInUse: await store.countUsersWithLiveSessions(now.toISOString()),
        jumpClientsAllowed: settings.jumpClientLicences,
        jumpClientsInUse: await services.jumpClients.countActive(),
      },
      startedAt: services.startedAt.toISOString(),
      now: now.toISOString(),
      certificateFingerprint: services.certificateFingerprint,
    };
  });

  app.patch('/site/settings', {
    config: { access: 'admin' },
    schema: {
      operationId: 'updateSiteSettings',
      tags,
      summary: 'Change site settings: time zone, client host name, password reset, lockout',
      body: UpdateSiteSettingsBody,
      response: { 200: SiteSettings, ...errs(400, 401, 403) },
    },
  }, async (req) => site.update(req.body));

  app.get('/site/reps', {
    config: { access: 'user' },
    schema: {
      operationId: 'listLoggedInReps',
      tags,
      summary: 'Reps connected to the console, how long, and their running sessions',
      response: { 200: z.object({ reps: z.array(LoggedInRep) }), ...errs(401, 403) },
    },
  }, async () => ({ reps: presence.list() }));

  app.delete('/site/reps/:connectionId', {
    config: { access: 'admin' },
    schema: {
      operationId: 'terminateRep',
      tags,
      summary: 'End a rep\'s console connection and its login session',
      params: ConnectionIdParams,
      response: { 200: Ok, ...errs(400, 401, 403, 404) },
    },
  }, async (req) => {
    const conn = presence.get(req.params.connectionId);
    await services.accounts.logout(conn.authSessionId);
    conn.close('terminated_by_admin');
    services.log.info({ userId: conn.userId }, 'rep console connection terminated by an administrator');
    return { ok: true as const };
  });

  app.post('/site/restart', {
    config: { access: 'admin' },
    schema: {
      operationId: 'restartSite',
      tags,
      summary: 'Restart the broker software (STA-4); every console and customer connection drops and reconnects',
      body: z.object({ confirm: z.literal(true) }).strict(),
      response: { 202: Ok, ...errs(400, 401, 403, 409) },
    },
  }, async (req, reply) => {
    if (!restart) throw new PasserelleError('conflict', 'This broker runs inside another program; restart that program instead');
    services.log.warn({ userId: authOf(req).user.id }, 'restart requested by an administrator');
    // Restart only once the answer has left, so the administrator sees it accepted.
    reply.raw.once('finish', () => setImmediate(restart));
    return reply.code(202).send({ ok: true as const });
  });
};

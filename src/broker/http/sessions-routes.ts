// Support sessions over REST: session keys (POR-3), the caller's queue, and a session's event log.
// Live queue and chat traffic goes over the console WebSocket (ws/rep-gateway.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CreateSessionKeyBody, LsidParams, SessionEventList, SessionKeyView, SessionList } from '../../protocol/sessions.ts';
import type { Services } from '../services/index.ts';
import { authOf, errs } from './auth-plugin.ts';

export const sessionsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { sessionKeys, sessions, portal } = services;
  const tags = ['sessions'];

  app.post('/session-keys', {
    config: { access: 'user' },
    schema: {
      operationId: 'createSessionKey',
      tags,
      summary: 'Create a single-use session key to read to a customer; its session goes to the general queue (POR-3)',
      body: CreateSessionKeyBody,
      response: { 201: SessionKeyView, ...errs(400, 401, 403) },
    },
  }, async (req, reply) => {
    const minutes = req.body.validMinutes ?? (await portal.settings()).sessionKeyMinutes;
    return reply.code(201).send(await sessionKeys.create(authOf(req).user.id, minutes));
  });

  app.get('/sessions', {
    config: { access: 'user' },
    schema: {
      operationId: 'listMySessions',
      tags,
      summary: 'The caller\'s queues: waiting sessions of the general and personal queues, and sessions they are in (CON-2)',
      response: { 200: SessionList, ...errs(401, 403) },
    },
  }, async (req) => ({ sessions: sessions.queueFor(authOf(req).user.id) }));

  app.get('/sessions/:lsid/events', {
    config: { access: 'user' },
    schema: {
      operationId: 'getSessionEvents',
      tags,
      summary: 'A session\'s complete event log: joins, chat, permissions, transfers, end (for reports and the session panel)',
      params: LsidParams,
      response: { 200: SessionEventList, ...errs(400, 401, 403, 404) },
    },
  }, async (req) => sessions.eventLog(authOf(req).user, req.params.lsid));
};

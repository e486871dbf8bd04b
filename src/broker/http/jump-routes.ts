// Jump Clients over REST (JMP-1, JMP-4, JMP-7, JMP-8, JMP-9, USR-10): the deployment wizard, the
// agent's registration, and the Jump Clients list. Rights are checked in the services.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Ok } from '../../protocol/auth.ts';
import { LsidParams } from '../../protocol/sessions.ts';
import {
  AttachJumpResult,
  CreateDeploymentBody,
  DetachJumpResult,
  DeploymentIdParams,
  DeploymentView,
  EmailDeploymentBody,
  EmailDeploymentResult,
  JumpClientIdParams,
  JumpClientList,
  JumpClientView,
  ListJumpClientsQuery,
  RegisterJumpClientBody,
  RegisterJumpClientResult,
  StartJumpResult,
  UpdateJumpClientBody,
} from '../../protocol/jump.ts';
import { SmtpSettingsView, UpdateSmtpSettingsBody } from '../../protocol/site.ts';
import type { Services } from '../services/index.ts';
import { smtpView } from '../services/site.ts';
import { authOf, errs } from './auth-plugin.ts';

export const jumpRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { jumpDeployments, jumpClients, jumpMailer, site } = services;
  const tags = ['jump'];

  app.post('/jump/deployments', {
    config: { access: 'user' },
    schema: {
      operationId: 'createJumpDeployment',
      tags,
      summary: 'Mass deployment wizard: an installer valid for a time and a number of installs, for a Jump group (JMP-1, JMP-7)',
      body: CreateDeploymentBody,
      response: { 201: DeploymentView, ...errs(400, 401, 403) },
    },
  }, async (req, reply) => reply.code(201).send(await jumpDeployments.create(authOf(req).user, req.body)));

  app.get('/jump/deployments/:id', {
    config: { access: 'user' },
    schema: { operationId: 'getJumpDeployment', tags, summary: 'A deployment: its link, command lines and installs so far', params: DeploymentIdParams, response: { 200: DeploymentView, ...errs(400, 401, 403, 404) } },
  }, async (req) => jumpDeployments.get(authOf(req).user, req.params.id));

  app.post('/jump/deployments/:id/email', {
    config: { access: 'user', rateLimit: { max: 20, timeWindow: 60_000 } },
    schema: {
      operationId: 'emailJumpDeployment',
      tags,
      summary: 'Email the installer link to recipients through the site\'s SMTP server (JMP-7)',
      params: DeploymentIdParams,
      body: EmailDeploymentBody,
      response: { 200: EmailDeploymentResult, ...errs(400, 401, 403, 404, 429, 502) },
    },
  }, async (req) => {
    const user = authOf(req).user;
    const d = await jumpDeployments.get(user, req.params.id);
    const sent = await jumpMailer.send(d, req.body.recipients, user.displayName, req.body.message ?? '', req.body.language ?? 'en');
    return { sent: sent.length, recipients: sent };
  });

  app.post('/jump/register', {
    config: { access: 'public' },
    schema: {
      operationId: 'registerJumpClient',
      tags,
      summary: 'An installing agent exchanges its deployment key for its own identity (client id and secret)',
      body: RegisterJumpClientBody,
      response: { 201: RegisterJumpClientResult, ...errs(400, 403, 429) },
    },
  }, async (req, reply) => reply.code(201).send(await jumpClients.register(req.body, req.ip)));

  app.get('/jump-clients', {
    config: { access: 'user' },
    schema: {
      operationId: 'listJumpClients',
      tags,
      summary: 'The Jump Clients the caller may see: online or not, last seen, group, tag, comments, computer (search and sort)',
      querystring: ListJumpClientsQuery,
      response: { 200: JumpClientList, ...errs(400, 401, 403) },
    },
  }, async (req) => jumpClients.list(authOf(req).user, req.query));

  app.patch('/jump-clients/:id', {
    config: { access: 'user' },
    schema: { operationId: 'updateJumpClient', tags, summary: 'Edit a Jump Client\'s tag and comments', params: JumpClientIdParams, body: UpdateJumpClientBody, response: { 200: JumpClientView, ...errs(400, 401, 403, 404, 409) } },
  }, async (req) => jumpClients.update(authOf(req).user, req.params.id, req.body));

  app.delete('/jump-clients/:id', {
    config: { access: 'user' },
    schema: { operationId: 'removeJumpClient', tags, summary: 'Remove a Jump Client; it uninstalls itself at once if online, else when it next connects', params: JumpClientIdParams, response: { 200: Ok, ...errs(400, 401, 403, 404) } },
  }, async (req) => {
    await jumpClients.remove(authOf(req).user, req.params.id);
    return { ok: true as const };
  });

  app.post('/jump-clients/:id/jump', {
    config: { access: 'user' },
    schema: {
      operationId: 'jumpToClient',
      tags,
      summary: 'Start an unattended session on an online Jump Client (JMP-9); the caller owns it from the start',
      params: JumpClientIdParams,
      response: { 200: StartJumpResult, ...errs(400, 401, 403, 404, 409) },
    },
  }, async (req) => jumpClients.jump(authOf(req).user, req.params.id, req.ip));

  app.post('/sessions/:lsid/jump-client', {
    config: { access: 'user' },
    schema: {
      operationId: 'attachJumpClient',
      tags,
      summary: 'Attach: the customer client of this running session installs a Jump Client in the caller\'s Jump group (JMP-10, USR-12); the session log says when it has registered',
      params: LsidParams,
      response: { 202: AttachJumpResult, ...errs(400, 401, 403, 404, 409) },
    },
  }, async (req, reply) => reply.code(202).send(await jumpClients.attach(authOf(req).user, req.params.lsid)));

  app.delete('/sessions/:lsid/jump-client', {
    config: { access: 'user' },
    schema: {
      operationId: 'detachJumpClient',
      tags,
      summary: 'Detach: remove the Jump Client of this session\'s computer (attached in it or jumped to); it uninstalls itself (JMP-10, USR-12)',
      params: LsidParams,
      response: { 200: DetachJumpResult, ...errs(400, 401, 403, 404, 409) },
    },
  }, async (req) => jumpClients.detach(authOf(req).user, req.params.lsid, req.ip));

  app.get('/site/smtp', {
    config: { access: 'admin' },
    schema: { operationId: 'getSmtpSettings', tags: ['site'], summary: 'Outgoing mail settings (the password is never returned)', response: { 200: SmtpSettingsView, ...errs(401, 403) } },
  }, async () => smtpView(await site.smtp()));

  app.patch('/site/smtp', {
    config: { access: 'admin' },
    schema: { operationId: 'updateSmtpSettings', tags: ['site'], summary: 'Set the SMTP server installer emails go through (JMP-7)', body: UpdateSmtpSettingsBody, response: { 200: SmtpSettingsView, ...errs(400, 401, 403) } },
  }, async (req) => site.updateSmtp(req.body));
};

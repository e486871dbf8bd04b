// User administration (USR-1..14), administrators only.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Ok } from '../../protocol/auth.ts';
import { CreateUserBody, ListUsersQuery, UpdateUserBody, UserIdParams, UserList, UserView } from '../../protocol/users.ts';
import type { Services } from '../services/index.ts';
import { authOf, errs } from './auth-plugin.ts';

export const usersRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { users } = services;
  const tags = ['users'];
  const config = { access: 'admin' as const };

  app.get('/users', {
    config,
    schema: {
      operationId: 'listUsers',
      tags,
      summary: 'List users, optionally searching username and display name',
      querystring: ListUsersQuery,
      response: { 200: UserList, ...errs(400, 401, 403) },
    },
  }, async (req) => ({ users: await users.list(req.query.q) }));

  app.post('/users', {
    config,
    schema: {
      operationId: 'createUser',
      tags,
      summary: 'Create a user',
      body: CreateUserBody,
      response: { 201: UserView, ...errs(400, 401, 403, 409, 413, 422) },
    },
  }, async (req, reply) => reply.code(201).send(await users.create(req.body)));

  app.get('/users/:id', {
    config,
    schema: { operationId: 'getUser', tags, summary: 'One user', params: UserIdParams, response: { 200: UserView, ...errs(400, 401, 403, 404) } },
  }, async (req) => users.get(req.params.id));

  app.patch('/users/:id', {
    config,
    schema: {
      operationId: 'updateUser',
      tags,
      summary: 'Edit a user: fields, permissions, password, disable',
      params: UserIdParams,
      body: UpdateUserBody,
      response: { 200: UserView, ...errs(400, 401, 403, 404, 409, 413, 422) },
    },
  }, async (req) => users.update(authOf(req).user.id, req.params.id, req.body));

  app.delete('/users/:id', {
    config,
    schema: {
      operationId: 'deleteUser',
      tags,
      summary: 'Delete a user; nobody can delete their own account',
      params: UserIdParams,
      response: { 200: Ok, ...errs(400, 401, 403, 404, 409) },
    },
  }, async (req) => {
    await users.delete(authOf(req).user.id, req.params.id);
    return { ok: true as const };
  });

  app.post('/users/:id/reset-failed-logins', {
    config,
    schema: {
      operationId: 'resetFailedLogins',
      tags,
      summary: 'Set the failed-login count back to 0 and lift a lockout',
      params: UserIdParams,
      response: { 200: UserView, ...errs(400, 401, 403, 404) },
    },
  }, async (req) => users.resetFailedLogins(req.params.id));
};

// Who is calling: HttpOnly session cookie (browser, with CSRF token) or bearer token (desktop).
// Each route declares its access in `config.access`; the check happens here, once, for all.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { ErrorBody } from '../../protocol/errors.ts';
import type { Permissions } from '../../protocol/users.ts';
import { PasserelleError } from '../errors.ts';
import type { AccountsService, Authenticated } from '../services/accounts.ts';
import { safeEqual } from '../services/secrets.ts';

export const SESSION_COOKIE = '__Host-passerelle';
export const CSRF_HEADER = 'x-csrf-token';

type BooleanPermission = { [K in keyof Permissions]: Permissions[K] extends boolean ? K : never }[keyof Permissions];

export type Access = 'public' | 'user' | 'admin' | { permission: BooleanPermission };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** Allowed while the password must still be changed (changePassword, logout, me). */
    duringPasswordChange?: boolean;
    /** Allowed while a required second factor is still to be set up (LOG-5). */
    duringTotpEnrollment?: boolean;
  }
  interface FastifyRequest {
    auth: Authenticated | null;
    authVia: 'cookie' | 'bearer' | null;
  }
}

/** Error responses an operation may give, declared in its schema so they reach the OpenAPI document. */
export function errs<const C extends readonly number[]>(...codes: C): { [K in C[number]]: typeof ErrorBody } {
  return Object.fromEntries(codes.map((c) => [c, ErrorBody])) as { [K in C[number]]: typeof ErrorBody };
}

export function tokenFrom(req: FastifyRequest): { token: string; via: 'cookie' | 'bearer' } | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return { token: header.slice(7).trim(), via: 'bearer' };
  // Browsers' WebSocket cannot set headers: the desktop console sends `bearer.<token>` as a subprotocol.
  const proto = req.headers['sec-websocket-protocol'];
  const bearer = proto?.split(',').map((p) => p.trim()).find((p) => p.startsWith('bearer.'));
  if (bearer) return { token: bearer.slice(7), via: 'bearer' };
  const cookie = req.cookies?.[SESSION_COOKIE];
  return cookie ? { token: cookie, via: 'cookie' } : null;
}

export function registerAuth(app: FastifyInstance, accounts: AccountsService): void {
  app.decorateRequest('auth', null);
  app.decorateRequest('authVia', null);

  app.addHook('preHandler', async (req: FastifyRequest, _reply: FastifyReply) => {
    // An API route that forgets to declare its access is closed, not open.
    const access = accessOf(req.routeOptions.config, req.routeOptions.url);
    if (access === 'public') return;
    const found = tokenFrom(req);
    if (!found) throw new PasserelleError('unauthenticated', 'Log in first');
    const auth = await accounts.authenticate(found.token);
    req.auth = auth;
    req.authVia = found.via;
    if (found.via === 'cookie' && !['GET', 'HEAD', 'OPTIONS'].includes(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !safeEqual(sent, auth.session.csrfToken)) {
        throw new PasserelleError('csrf_failed', 'Missing or wrong CSRF token; reload the page');
      }
    }
    if (auth.passwordChangeRequired && !req.routeOptions.config?.duringPasswordChange) {
      throw new PasserelleError('password_change_required', 'Change your password before doing anything else');
    }
    if (auth.totpEnrollmentRequired && !req.routeOptions.config?.duringTotpEnrollment) {
      throw new PasserelleError('totp_enrollment_required', 'Set up two-step verification before doing anything else');
    }
    const p = auth.user.permissions;
    if (access === 'admin' && !p.administrator) {
      throw new PasserelleError('forbidden', 'Only administrators may do this');
    }
    if (typeof access === 'object' && !p.administrator && !p[access.permission]) {
      throw new PasserelleError('forbidden', `You do not have the "${access.permission}" permission`);
    }
  });
}

/** The caller, on routes whose access is not public. */
export function authOf(req: FastifyRequest): Authenticated {
  if (!req.auth) throw new PasserelleError('unauthenticated', 'Log in first');
  return req.auth;
}

/** What an operation needs, for the OpenAPI document: the same rule the preHandler above applies. */
export function accessOf(config: { access?: Access } | undefined, url: string | undefined): Access {
  return config?.access ?? (url?.startsWith('/api/') ? 'admin' : 'public');
}

/**
 * The zod transform plus each operation's `security` (issue 9 item 13): public operations `[]`,
 * the others the cookie (browser) or the bearer token (desktop), so generated clients know.
 */
export const withOperationSecurity: typeof jsonSchemaTransform = (input) => {
  const out = jsonSchemaTransform(input);
  const route = input.route as { config?: { access?: Access }; url?: string };
  const security: Array<Record<string, string[]>> =
    accessOf(route.config, route.url ?? input.url) === 'public' ? [] : [{ cookie: [] }, { bearer: [] }];
  return { ...out, schema: { ...out.schema, security } };
};

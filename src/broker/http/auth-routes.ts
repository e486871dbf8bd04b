// Login, logout, the caller's own account, and the security-question password reset.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ChangePasswordBody,
  LoginBody,
  LoginResult,
  Me,
  Ok,
  RequestPasswordResetBody,
  RequestPasswordResetResult,
  ResetPasswordWithAnswerBody,
  UpdateMyProfileBody,
} from '../../protocol/auth.ts';
import { PublicSiteInfo } from '../../protocol/site.ts';
import { meOf } from '../services/accounts.ts';
import type { Services } from '../services/index.ts';
import { SESSION_COOKIE, authOf, errs } from './auth-plugin.ts';

export interface AuthRoutesOptions {
  services: Services;
  loginRateLimit: { max: number; timeWindow: number };
}

const cookieOptions = { path: '/', httpOnly: true, secure: true, sameSite: 'strict' } as const;

export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, { services, loginRateLimit }) => {
  const { accounts, site } = services;
  const tags = ['auth'];

  app.get('/site/public', {
    config: { access: 'public' },
    schema: { operationId: 'getPublicSiteInfo', tags, summary: 'What the login page needs to know', response: { 200: PublicSiteInfo } },
  }, async () => ({ passwordResetEnabled: (await site.settings()).passwordResetEnabled, version: services.version }));

  app.post('/auth/login', {
    config: { access: 'public', rateLimit: loginRateLimit },
    schema: {
      operationId: 'login',
      tags,
      summary: 'Log in; browsers get an HttpOnly cookie and a CSRF token, desktop consoles a bearer token',
      body: LoginBody,
      response: { 200: LoginResult, ...errs(400, 401, 403, 413, 423, 429) },
    },
  }, async (req, reply) => {
    const out = await accounts.login(req.body.username, req.body.password, req.body.client, req.ip, req.body.totpCode);
    if (req.body.client === 'browser') reply.setCookie(SESSION_COOKIE, out.token, cookieOptions);
    return {
      user: meOf(out.user),
      csrfToken: out.session.csrfToken,
      ...(req.body.client === 'desktop' ? { token: out.token } : {}),
      passwordChangeRequired: out.passwordChangeRequired,
      totpEnrollmentRequired: out.totpEnrollmentRequired,
      expiresAt: out.session.expiresAt,
    };
  });

  app.post('/auth/logout', {
    config: { access: 'user', duringPasswordChange: true, duringTotpEnrollment: true },
    schema: { operationId: 'logout', tags, summary: 'End this login session', response: { 200: Ok, ...errs(401, 403) } },
  }, async (req, reply) => {
    const auth = authOf(req);
    await accounts.logout(auth.session.id);
    services.presence.closeAuthSession(auth.session.id, 'logged_out');
    reply.clearCookie(SESSION_COOKIE, cookieOptions);
    return { ok: true as const };
  });

  app.get('/me', {
    config: { access: 'user', duringPasswordChange: true, duringTotpEnrollment: true },
    schema: {
      operationId: 'me',
      tags,
      summary: 'The logged-in user, and the CSRF token of this session',
      response: { 200: LoginResult.omit({ token: true }), ...errs(401) },
    },
  }, async (req) => {
    const auth = authOf(req);
    return {
      user: meOf(auth.user),
      csrfToken: auth.session.csrfToken,
      passwordChangeRequired: auth.passwordChangeRequired,
      totpEnrollmentRequired: auth.totpEnrollmentRequired,
      expiresAt: auth.session.expiresAt,
    };
  });

  app.post('/me/password', {
    config: { access: 'user', duringPasswordChange: true, duringTotpEnrollment: true },
    schema: {
      operationId: 'changePassword',
      tags,
      summary: 'Change one\'s own password (ACC-3); other sessions of the account end',
      body: ChangePasswordBody,
      response: { 200: Me, ...errs(400, 401, 403, 422) },
    },
  }, async (req) => {
    const auth = authOf(req);
    return meOf(await accounts.changePassword(auth, req.body));
  });

  app.patch('/me', {
    config: { access: 'user' },
    schema: {
      operationId: 'updateMyProfile',
      tags,
      summary: 'Change one\'s own display name (ACC-4) or security question and answer (ACC-5)',
      body: UpdateMyProfileBody,
      response: { 200: Me, ...errs(400, 401, 403) },
    },
  }, async (req) => meOf(await accounts.updateProfile(authOf(req), req.body)));

  app.post('/auth/password-reset', {
    config: { access: 'public', rateLimit: loginRateLimit },
    schema: {
      operationId: 'requestPasswordReset',
      tags,
      summary: 'Start a reset: returns the security question (LOG-3)',
      body: RequestPasswordResetBody,
      response: { 200: RequestPasswordResetResult, ...errs(400, 404, 429) },
    },
  }, async (req) => ({ securityQuestion: await accounts.requestPasswordReset(req.body.username) }));

  app.post('/auth/password-reset/answer', {
    config: { access: 'public', rateLimit: loginRateLimit },
    schema: {
      operationId: 'resetPasswordWithAnswer',
      tags,
      summary: 'Finish a reset by answering the security question (LOG-3)',
      body: ResetPasswordWithAnswerBody,
      response: { 200: Ok, ...errs(400, 401, 404, 422, 423, 429) },
    },
  }, async (req) => {
    await accounts.resetPasswordWithAnswer(req.body.username, req.body.answer, req.body.newPassword);
    return { ok: true as const };
  });
};

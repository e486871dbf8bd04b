// Two-step verification for one's own account (LOG-5): set up with an authenticator app, turn off.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Me, TotpConfirmBody, TotpDisableBody, TotpSetupBody, TotpSetupResult } from '../../protocol/auth.ts';
import { meOf } from '../services/accounts.ts';
import type { Services } from '../services/index.ts';
import { authOf, errs } from './auth-plugin.ts';

export const totpRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { twoStep } = services;
  const tags = ['auth'];
  const config = { access: 'user' as const, duringTotpEnrollment: true };

  app.post('/me/totp/setup', {
    config,
    schema: {
      operationId: 'startTotpSetup',
      tags,
      summary: 'Start setting up two-step verification: a new secret and its QR code',
      body: TotpSetupBody,
      response: { 200: TotpSetupResult, ...errs(400, 401, 403) },
    },
  }, async (req) => twoStep.start(authOf(req), req.body.currentPassword));

  app.post('/me/totp/confirm', {
    config,
    schema: {
      operationId: 'confirmTotpSetup',
      tags,
      summary: 'Turn two-step verification on with a first code from the app; other sessions end',
      body: TotpConfirmBody,
      response: { 200: Me, ...errs(400, 401, 403, 409) },
    },
  }, async (req) => meOf(await twoStep.confirm(authOf(req), req.body.code)));

  app.post('/me/totp/disable', {
    config: { access: 'user' },
    schema: {
      operationId: 'disableTotp',
      tags,
      summary: 'Turn two-step verification off (not when the site requires it)',
      body: TotpDisableBody,
      response: { 200: Me, ...errs(400, 401, 403, 409) },
    },
  }, async (req) => meOf(await twoStep.disable(authOf(req), req.body.currentPassword, req.body.code)));
};

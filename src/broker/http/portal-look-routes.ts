// The portal's look over HTTP: chat banners (POR-6, POR-7), site logo, title and colours (POR-8),
// and the public image feed clients load banners and logo from.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BannerIdParams, BannerInfo, BannerKindParams, BannersView, SiteLook, UpdateSiteLookBody } from '../../protocol/portal-look.ts';
import { PasserelleError } from '../errors.ts';
import { BANNER_MAX_BYTES, BANNER_RECOMMENDED_HEIGHT, BANNER_WIDTH } from '../services/banner-bmp.ts';
import type { Services } from '../services/index.ts';
import { authOf, errs } from './auth-plugin.ts';

/** Uploads are raw bytes; past this the request is cut off (the validators give finer reasons below it). */
const UPLOAD_LIMIT = 1024 * 1024;

export const portalLookRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { portalLook } = services;
  const tags = ['portal'];

  // Images arrive as their own bytes (a file input's File as the body), never as JSON or multipart.
  app.addContentTypeParser(['image/bmp', 'image/png', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: UPLOAD_LIMIT }, (_req, body, done) => done(null, body));
  const fileOf = (body: unknown): Uint8Array => {
    if (body === undefined || body === null) return new Uint8Array(0);
    if (!(body instanceof Buffer)) throw new PasserelleError('bad_request', 'Send the file itself as the body, with Content-Type image/bmp, image/png or application/octet-stream');
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  };

  app.get('/portal/banners', {
    config: { access: 'admin' },
    schema: { operationId: 'getChatBanners', tags, summary: 'The customer-client and presentation-attendee chat banners (POR-6, POR-7)', response: { 200: BannersView, ...errs(401, 403) } },
  }, async () => ({ banners: await portalLook.banners(), width: BANNER_WIDTH, recommendedHeight: BANNER_RECOMMENDED_HEIGHT, maxBytes: BANNER_MAX_BYTES }));

  app.put('/portal/banners/:kind', {
    config: { access: 'admin' },
    bodyLimit: UPLOAD_LIMIT,
    schema: {
      operationId: 'uploadChatBanner',
      tags,
      summary: 'Upload a chat banner: a Windows BMP, 8-bit (256 colours), 480 pixels wide (40 high recommended); new sessions use it',
      params: BannerKindParams,
      response: { 200: BannerInfo, ...errs(400, 401, 403, 413, 422) },
    },
  }, async (req) => portalLook.uploadBanner(req.params.kind, fileOf(req.body), authOf(req).user.id));

  app.delete('/portal/banners/:kind', {
    config: { access: 'admin' },
    schema: { operationId: 'revertChatBanner', tags, summary: 'Revert a chat banner to the default', params: BannerKindParams, response: { 200: BannerInfo, ...errs(400, 401, 403) } },
  }, async (req) => portalLook.revertBanner(req.params.kind));

  app.get('/site-images/:id', {
    config: { access: 'public' },
    schema: { operationId: 'getSiteImage', tags, summary: 'A chat banner or the site logo, by its content address', params: BannerIdParams, response: { 200: z.any(), ...errs(400, 404) } },
  }, async (req, reply) => {
    const img = await portalLook.image(req.params.id);
    // Content-addressed: the bytes of an id never change.
    void reply.header('cache-control', req.params.id === 'default' ? 'public, max-age=3600' : 'public, max-age=31536000, immutable');
    void reply.header('x-content-type-options', 'nosniff');
    return reply.type(img.mediaType).send(Buffer.from(img.bytes));
  });

  app.get('/portal/look', {
    config: { access: 'public' },
    schema: { operationId: 'getSiteLook', tags, summary: 'The site logo, title and colours (POR-8) the portal and chat pages apply', response: { 200: SiteLook } },
  }, async () => portalLook.look());

  app.put('/portal/look', {
    config: { access: 'admin' },
    schema: {
      operationId: 'updateSiteLook',
      tags,
      summary: 'Change the site colours and title; colours that fail WCAG AA contrast are refused',
      body: UpdateSiteLookBody,
      response: { 200: SiteLook, ...errs(400, 401, 403, 422) },
    },
  }, async (req) => portalLook.updateLook(req.body));

  app.put('/portal/look/logo', {
    config: { access: 'admin' },
    bodyLimit: UPLOAD_LIMIT,
    schema: { operationId: 'uploadSiteLogo', tags, summary: 'Upload the site logo (PNG, at most 600 × 200)', response: { 200: SiteLook, ...errs(400, 401, 403, 413, 422) } },
  }, async (req) => portalLook.uploadLogo(fileOf(req.body)));

  app.delete('/portal/look', {
    config: { access: 'admin' },
    schema: { operationId: 'resetSiteLook', tags, summary: 'Back to the default logo, title and colours', response: { 200: SiteLook, ...errs(401, 403) } },
  }, async () => portalLook.resetLook());

};

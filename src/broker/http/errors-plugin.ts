// Maps every failure to `{ error: { code, message } }` with the right status, and logs it.
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import type { ErrorBody } from '../../protocol/errors.ts';
import { PasserelleError, httpStatusOf } from '../errors.ts';

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const send = (status: number, body: ErrorBody) => reply.code(status).type('application/json').send(body);
    if (err instanceof PasserelleError) {
      const status = httpStatusOf(err.code);
      req.log[status >= 500 ? 'error' : 'info']({ code: err.code }, err.message);
      return send(status, { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({
        where: err.validationContext,
        path: v.instancePath.replace(/^\//, '').replace(/\//g, '.'),
        message: v.message ?? 'invalid',
      }));
      const first = issues[0];
      const message = first ? `Invalid ${first.where}${first.path ? ` field "${first.path}"` : ''}: ${first.message}` : 'Invalid request';
      req.log.info({ code: 'validation_failed', issues }, 'rejected invalid request');
      return send(400, { error: { code: 'validation_failed', message, details: { issues } } });
    }
    if (isResponseSerializationError(err)) {
      req.log.error({ err }, 'response did not match its schema');
      return send(500, { error: { code: 'internal', message: 'Internal error' } });
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      req.log.info('rejected oversized body');
      return send(413, { error: { code: 'body_too_large', message: 'The request body is too large' } });
    }
    if (err.statusCode === 429) {
      req.log.warn('rate limited');
      return send(429, { error: { code: 'rate_limited', message: 'Too many requests; wait a moment and try again' } });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      // Fastify's own client errors: malformed JSON, wrong content type, empty body …
      req.log.info({ fastifyCode: err.code }, err.message);
      return send(err.statusCode, { error: { code: 'bad_request', message: err.message } });
    }
    req.log.error({ err }, 'unhandled error');
    return send(500, { error: { code: 'internal', message: 'Internal error' } });
  });
}

// Session recordings over REST (REP-5): what replay needs (timeline, chat, control track), the
// conversion to MP4 (started on first view or download, progress polled, kept), the video itself
// with byte ranges (so the player seeks), its deletion (administrators, logged) and disk use.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DeleteRecordingBody, RecordingVideoState, RecordingView, RecordingsDiskUse } from '../../protocol/recordings.ts';
import { ReportLsidParams } from '../../protocol/reports.ts';
import { PasserelleError } from '../errors.ts';
import type { Services } from '../services/index.ts';
import { authOf, errs } from './auth-plugin.ts';

const VideoQuery = z.object({ download: z.enum(['1']).optional() }).strict();

/** `bytes=a-b` of a file of `size` bytes, or null for the whole file; throws on an unsatisfiable range. */
function rangeOf(header: string | undefined, size: number): { start: number; end: number } | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(size - 1, Number(m[2]));
  }
  if (start > end || start >= size) throw new PasserelleError('bad_request', `Range ${header} is outside the video (${size} bytes)`);
  return { start, end };
}

export const recordingsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { recordings, reports } = services;
  const reader = (req: Parameters<typeof authOf>[0]) => ({ user: authOf(req).user, address: req.ip });
  const tags = ['reports'];
  const access = { permission: 'viewReports' } as const;

  app.get('/reports/sessions/:lsid/recording', {
    config: { access },
    schema: {
      operationId: 'getSessionRecording',
      tags,
      summary: 'A session\'s recording for replay: duration, chat lines and who held the mouse and keyboard, and the video\'s state',
      params: ReportLsidParams,
      response: { 200: RecordingView, ...errs(400, 401, 403, 404, 422) },
    },
  }, async (req) => {
    const v = await recordings.view(req.params.lsid);
    await reports.recordingAccessed(reader(req), 'recording_view', req.params.lsid);
    return v;
  });

  app.post('/reports/sessions/:lsid/recording/video', {
    config: { access },
    schema: {
      operationId: 'convertSessionRecording',
      tags,
      summary: 'Converts the recording to an MP4 video (once; later calls report the progress or that it is ready)',
      params: ReportLsidParams,
      response: { 202: RecordingVideoState, ...errs(400, 401, 403, 404, 409, 422) },
    },
  }, async (req, reply) => {
    const { state } = await recordings.convert(req.params.lsid);
    return reply.code(202).send(state);
  });

  app.get('/reports/sessions/:lsid/recording/video', {
    config: { access },
    schema: {
      operationId: 'downloadSessionRecording',
      tags,
      summary: 'The converted video (video/mp4, byte ranges accepted); 409 until it has been converted',
      params: ReportLsidParams,
      querystring: VideoQuery,
      response: errs(400, 401, 403, 404, 409),
    },
  }, async (req, reply) => {
    const file = await recordings.videoFile(req.params.lsid);
    // Opened once: a deletion during the download does not cut what is being sent.
    const fh = await open(file, 'r').catch(() => {
      throw new PasserelleError('recording_not_found', 'The video is gone');
    });
    const size = (await fh.stat()).size;
    let range: { start: number; end: number } | null;
    try {
      range = rangeOf(req.headers.range, size);
    } catch (err) {
      await fh.close();
      throw err;
    }
    if (req.query.download) {
      await reports.recordingAccessed(reader(req), 'recording_download', req.params.lsid).catch(async (err: unknown) => {
        await fh.close();
        throw err;
      });
      reply.header('content-disposition', `attachment; filename="session-${req.params.lsid}.mp4"`);
    }
    reply.header('content-type', 'video/mp4').header('accept-ranges', 'bytes').header('cache-control', 'no-store');
    const start = range?.start ?? 0;
    const end = range?.end ?? size - 1;
    reply.header('content-length', String(end - start + 1));
    // 206 is not an error body, so the schema does not list it.
    if (range) reply.code(206 as 409).header('content-range', `bytes ${start}-${end}/${size}`);
    const stream = createReadStream('', { fd: fh, start, end, autoClose: true });
    return reply.send(stream as never);
  });

  app.delete('/reports/sessions/:lsid/recording', {
    config: { access: 'admin' },
    schema: {
      operationId: 'deleteSessionRecording',
      tags,
      summary: 'Deletes a session\'s recording and its video (administrators; logged with who and why)',
      params: ReportLsidParams,
      body: DeleteRecordingBody.optional(),
      response: { 204: z.null(), ...errs(400, 401, 403, 404, 409) },
    },
  }, async (req, reply) => {
    const user = authOf(req).user;
    const reason = req.body?.reason ?? 'deleted by an administrator';
    await recordings.delete(req.params.lsid, { username: user.username, address: req.ip }, reason);
    await reports.recordingAccessed(reader(req), 'recording_delete', req.params.lsid, { reason });
    return reply.code(204).send(null);
  });

  app.get('/site/recordings', {
    config: { access: 'admin' },
    schema: {
      operationId: 'getRecordingsDiskUse',
      tags: ['site'],
      summary: 'Disk use of session recordings, the recording setting and the retention (Status page)',
      response: { 200: RecordingsDiskUse, ...errs(401, 403) },
    },
  }, async () => recordings.diskUse());
};

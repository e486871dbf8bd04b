// The 'file' channel kind on the customer's machine: a browse channel answers listing and file
// operations; a download or upload channel carries one transfer (src/protocol/files.ts).
import { BrowseReply, BrowseRequest, FileChannelMeta } from '../../protocol/files.ts';
import { ToolMessageError, ToolReader, encodeControl, type ToolChannel } from '../../protocol/tool-channel.ts';
import { FileRoot, toFileError } from '../files/file-paths.ts';
import { FileService } from '../files/file-service.ts';
import { sendDownload } from '../files/download-sender.ts';
import { receiveUpload } from '../files/upload-receiver.ts';
import type { ToolContext } from './tool-context.ts';

export async function fileHandler(ch: ToolChannel, ctx: ToolContext): Promise<void> {
  const meta = FileChannelMeta.safeParse(ch.meta);
  if (!meta.success) {
    ctx.warn?.('A file channel was opened with a meta this client does not understand');
    ch.close('bad_meta');
    return;
  }
  const root = await FileRoot.open(ctx.filesRoot);
  const m = meta.data;
  if (m.op === 'download') return sendDownload(ch, root, m, (e) => ctx.report(e));
  if (m.op === 'upload') return receiveUpload(ch, root, m, (e) => ctx.report(e));
  return browse(ch, new FileService(root), ctx);
}

async function browse(ch: ToolChannel, files: FileService, ctx: ToolContext): Promise<void> {
  const reader = new ToolReader(ch, BrowseRequest);
  const reply = (r: BrowseReply) => ch.write(encodeControl(r));
  for (;;) {
    let m;
    try {
      m = await reader.next();
    } catch (err) {
      if (!(err instanceof ToolMessageError)) return;
      await reply({ type: 'error', ref: 0, code: 'bad_message', message: err.message }).catch(() => {});
      continue;
    }
    if (!m) return;
    if (m.kind === 'data') {
      await reply({ type: 'error', ref: 0, code: 'bad_message', message: 'A browse channel carries requests only' }).catch(() => {});
      continue;
    }
    const req = m.msg;
    const path = req.type === 'rename' ? req.from : req.path;
    try {
      if (req.type === 'list') {
        const { entries, truncated } = await files.list(req.path, req.hidden, req.sort, req.desc);
        ctx.report({ kind: 'file_operation', op: 'list', path: req.path, result: 'ok' });
        await reply({ type: 'listing', ref: req.ref, path: req.path, root: files.root.real, entries, truncated });
        continue;
      }
      if (req.type === 'mkdir') await files.mkdir(req.path);
      else if (req.type === 'rename') await files.rename(req.from, req.to);
      else await files.delete(req.path, req.recursive);
      ctx.report({ kind: 'file_operation', op: req.type, path, ...(req.type === 'rename' ? { to: req.to } : {}), result: 'ok' });
      await reply({ type: 'done', ref: req.ref });
    } catch (err) {
      const e = toFileError(err, path);
      ctx.report({ kind: 'file_operation', op: req.type, path: path.slice(0, 4096), ...(req.type === 'rename' ? { to: req.to.slice(0, 4096) } : {}), result: 'failed', error: e.code });
      await reply({ type: 'error', ref: req.ref, code: e.code, message: e.message }).catch(() => {});
    }
  }
}

// CON-8: the elevated helper, started by the customer client through sudo once the customer
// granted elevation and typed their password. It runs as root, listens on a Unix socket in the
// client's private folder (handed over to the customer's uid, mode 0600), and serves each shell or
// file channel the client forwards with the same tools the client uses, now with root's rights.
// It ends when the client's process is gone or it is told to stop (SIGTERM, relayed by sudo).
import { timingSafeEqual } from 'node:crypto';
import { chmod, chown, readFile, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { HelperFrame, HelperHello, type ElevatedKind } from '../../protocol/elevation.ts';
import { clampToolEvent } from '../../customer-core/index.ts';
import type { ToolEventBody } from '../../protocol/sessions.ts';
import type { ToolHandler } from '../tools/tool-context.ts';
import { SocketToolChannel } from './socket-channel.ts';

const handlers: Record<ElevatedKind, () => Promise<ToolHandler>> = {
  shell: async () => (await import('../tools/shell.ts')).shellHandler,
  file: async () => (await import('../tools/files.ts')).fileHandler,
};

export interface HelperOptions {
  socketPath: string;
  tokenFile: string;
  filesRoot: string;
  clientPid: number;
  log?: (msg: string) => void;
}

export async function runElevatedHelper(o: HelperOptions): Promise<{ server: Server; stopped: Promise<void> }> {
  const token = Buffer.from((await readFile(o.tokenFile, 'utf8')).trim());
  await rm(o.tokenFile, { force: true });
  const server = createServer((socket) => serve(socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.socketPath, resolve);
  });
  // The customer's client (SUDO_UID) connects; nobody else may.
  const uid = Number(process.env.SUDO_UID);
  const gid = Number(process.env.SUDO_GID);
  if (Number.isInteger(uid) && uid > 0) await chown(o.socketPath, uid, Number.isInteger(gid) ? gid : uid);
  await chmod(o.socketPath, 0o600);

  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  const end = () => {
    clearInterval(watch);
    server.close();
    stop();
  };
  const watch = setInterval(() => {
    try {
      process.kill(o.clientPid, 0);
    } catch {
      o.log?.('the customer client is gone: stopping');
      end();
    }
  }, 1000);
  process.once('SIGTERM', end);

  function serve(socket: Socket): void {
    const ch = new SocketToolChannel(socket, 'pending', {});
    const timer = setTimeout(() => socket.destroy(), 10_000);
    ch.onHello((json) => {
      clearTimeout(timer);
      const hello = HelperHello.safeParse(json);
      const given = hello.success ? Buffer.from(hello.data.token) : Buffer.alloc(0);
      if (!hello.success || given.length !== token.length || !timingSafeEqual(given, token)) {
        o.log?.('refused a connection without the right hello');
        ch.close('forbidden');
        return;
      }
      ch.meta = hello.data.meta;
      ch.kind = hello.data.kind;
      void handlers[hello.data.kind]()
        .then((h) =>
          h(ch, {
            filesRoot: o.filesRoot,
            report: (e: ToolEventBody) => void ch.sendJson(HelperFrame.event, clampToolEvent(e)).catch(() => {}),
            warn: (m) => o.log?.(m),
          }),
        )
        .then(
          () => ch.close('done'),
          (err: unknown) => {
            o.log?.(`the ${hello.data.kind} tool stopped: ${err instanceof Error ? err.message : String(err)}`);
            ch.close('tool_error');
          },
        );
    });
  }

  return { server, stopped };
}

// The customer client's chat window, served on 127.0.0.1 under a random path and opened in the
// customer's browser: the conversation, consent prompts with Allow/Refuse, revoke, end;
// and, always on top, whether the screen is being viewed or controlled, with "Take back control".
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { MAX_CHAT_CHARS, SessionPermission } from '../../protocol/sessions.ts';
import { plainText } from '../../protocol/text.ts';
import { chatPageCss, chatPageHtml, chatPageJs } from './chat-page-assets.ts';
import type { AppUpdate, CustomerApp } from './customer-app.ts';
import { customerBundles, endedText, localeLang, errorText, type CustomerLang, type CustomerStrings } from './customer-strings.ts';

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const bodies = {
  chat: z.object({ text: plainText(MAX_CHAT_CHARS).pipe(z.string().trim().min(1)) }).strict(),
  consent: z.object({ requestId: z.string().min(1).max(64), granted: z.boolean() }).strict(),
  revoke: z.object({ permission: SessionPermission }).strict(),
  typing: z.object({ typing: z.boolean() }).strict(),
  end: z.object({}).strict(),
  takeback: z.object({}).strict(),
  /** CON-8: the customer's password for elevation, handed to sudo only (never logged). */
  elevate: z.object({ password: z.string().min(1).max(1024) }).strict(),
  cancel_elevation: z.object({}).strict(),
};

export interface ChatPage {
  url: string;
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 16 * 1024) throw new Error('too large');
    chunks.push(c as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString() || '{}');
}

/** An update as the page shows it: errors and the end in the customer's words (customer-strings.ts). */
function forPage(u: AppUpdate, words: CustomerStrings): AppUpdate & { text?: string } {
  if (u.kind === 'error') return { ...u, message: errorText(words, u.code, u.message) };
  if (u.kind === 'status' && u.status === 'ended') return { ...u, text: endedText(u.detail, words) };
  return u;
}

/** `lang`: the client's locale's language, or null to follow the browser's. */
export async function startChatPage(app: CustomerApp, lang: CustomerLang | null = localeLang()): Promise<ChatPage> {
  const words = customerBundles[lang ?? 'en'];
  const html = chatPageHtml(lang);
  const token = randomBytes(18).toString('base64url');
  const prefix = `/${token}/`;
  const streams = new Set<ServerResponse>();
  let port = 0;

  const onUpdate = (u: AppUpdate) => {
    for (const res of streams) res.write(`data: ${JSON.stringify(forPage(u, words))}\n\n`);
  };
  app.on('update', onUpdate);

  const server: Server = createServer((req, res) => {
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'content-security-policy': CSP, 'referrer-policy': 'no-referrer' });
      res.end(body);
    };
    // DNS rebinding: only our own loopback address and port, and only the secret path.
    if (req.headers.host !== `127.0.0.1:${port}` || !req.url?.startsWith(prefix)) return send(404, 'text/plain', 'not found');
    const path = req.url.slice(prefix.length).split('?')[0] ?? '';
    if (req.method === 'GET') {
      if (path === '') return send(200, 'text/html; charset=utf-8', html);
      if (path === 'app.js') return send(200, 'text/javascript; charset=utf-8', chatPageJs);
      if (path === 'app.css') return send(200, 'text/css; charset=utf-8', chatPageCss);
      if (path === 'banner.bmp') {
        if (!app.banner) return send(404, 'text/plain', 'no banner');
        res.writeHead(200, { 'content-type': 'image/bmp', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'content-security-policy': CSP });
        return res.end(Buffer.from(app.banner));
      }
      if (path === 'logo.png') {
        if (!app.logo) return send(404, 'text/plain', 'no logo');
        res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'content-security-policy': CSP });
        return res.end(Buffer.from(app.logo));
      }
      if (path === 'events') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
        for (const u of app.history) res.write(`data: ${JSON.stringify(forPage(u, words))}\n\n`);
        for (const p of app.prompts.values()) res.write(`data: ${JSON.stringify({ kind: 'prompt', prompt: p })}\n\n`);
        res.write(`data: ${JSON.stringify({ kind: 'live', live: app.live })}\n\n`);
        streams.add(res);
        req.on('close', () => streams.delete(res));
        return;
      }
      return send(404, 'text/plain', 'not found');
    }
    if (req.method !== 'POST' || !(path in bodies) || !String(req.headers['content-type']).startsWith('application/json')) return send(405, 'text/plain', 'no');
    readJson(req).then(
      (raw) => {
        const action = path as keyof typeof bodies;
        const parsed = bodies[action].safeParse(raw);
        if (!parsed.success) return send(400, 'application/json', JSON.stringify({ error: parsed.error.issues[0]?.message ?? 'invalid' }));
        const b = parsed.data as Record<string, unknown>;
        if (action === 'chat') app.session.chat(b.text as string);
        else if (action === 'consent') {
          if (!app.answer(b.requestId as string, b.granted as boolean)) return send(409, 'application/json', '{"error":"already answered"}');
        } else if (action === 'revoke') app.revoke(b.permission as SessionPermission);
        else if (action === 'takeback') {
          if (!app.takeBackControl()) return send(409, 'application/json', '{"error":"control is not granted"}');
        }
        else if (action === 'elevate') {
          if (!app.awaitingPassword) return send(409, 'application/json', '{"error":"no elevation is waiting for a password"}');
          void app.elevate(b.password as string);
        } else if (action === 'cancel_elevation') app.cancelElevation();
        else if (action === 'typing') app.session.typing(b.typing as boolean);
        else app.session.end();
        return send(200, 'application/json', '{"ok":true}');
      },
      () => send(400, 'application/json', '{"error":"malformed"}'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    async close() {
      app.off('update', onUpdate);
      for (const s of streams) s.end();
      // The page's EventSource reconnects at once on a kept-alive connection, and close() alone
      // waits for that new stream forever (the client then never exited after /end): cut them all.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Opens the page in the customer's browser; failing that, the terminal shows the address. */
export function openInBrowser(url: string): void {
  const cmd = process.platform === 'win32' ? 'cmd' : process.platform === 'darwin' ? 'open' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No opener on this system: the address is printed on the terminal anyway.
    return;
  }
}

// Opens the rep console's WebSocket (/ws/rep) as the desktop console does, and waits for messages.
import WebSocket from 'ws';
import type { Broker } from '../../src/broker/broker.ts';

export interface RepSocket {
  ws: WebSocket;
  messages: any[];
  next(type: string): Promise<any>;
  closed: Promise<{ code: number; reason: string }>;
}

export function openRepSocket(broker: Pick<Broker, 'url' | 'certificate'>, auth: { bearer?: string; cookie?: string; origin?: string }): Promise<RepSocket> {
  const headers: Record<string, string> = {};
  if (auth.cookie) headers.cookie = auth.cookie;
  if (auth.origin) headers.origin = auth.origin;
  const protocols = auth.bearer ? ['passerelle.v1', `bearer.${auth.bearer}`] : undefined;
  const ws = new WebSocket(`${broker.url.replace('https', 'wss')}/ws/rep`, protocols, { ca: broker.certificate, headers });
  const messages: any[] = [];
  const waiters: { type: string; resolve: (m: any) => void }[] = [];
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data));
    const i = waiters.findIndex((w) => w.type === msg.type);
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(msg);
    else messages.push(msg);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const sock: RepSocket = {
    ws,
    messages,
    closed,
    next(type) {
      const i = messages.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(messages.splice(i, 1)[0]);
      return new Promise((resolve) => waiters.push({ type, resolve }));
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(sock));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

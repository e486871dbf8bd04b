// A worker process of bench:presentation: a share of the attendees (customer-core's AttendeeClient
// over real TLS sockets), driven by the bench over IPC, so joining and TLS handshakes of 200
// attendees are not all on one event loop. Messages in: {type:'join', broker, key, from, count,
// throttled, tls} then {type:'count'} and {type:'stop'}. Messages out: {type:'joined', cpuS, resumed, joinToFirst, joinAnswer, socketOpen} (cpuS: this process's CPU
// seconds from the first join to the last first frame),
// {type:'counts', frames}.
import { createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import WebSocket from 'ws';
import { AttendeeClient } from '../src/customer-core/attendee-client.ts';
import type { CustomerSocket } from '../src/customer-core/socket.ts';
import { pageLoad } from './presentation-tls.ts';

type In =
  | { type: 'join'; broker: { url: string; certificate: string }; key: string; from: number; count: number; throttled: number[]; throttleMs: number; firstFrameWaitMs: number; tls: 'resume' | 'full' }
  | { type: 'count' }
  | { type: 'stop' };

const send = (m: unknown) => process.send!(m);
let clients: AttendeeClient[] = [];
let stats: { joinAt: number; openAt: number; answeredAt: number; firstAt: number; frames: number; resumed: boolean }[] = [];

process.on('message', (m: In) => {
  if (m.type === 'join') {
    void (async () => {
      stats = Array.from({ length: m.count }, () => ({ joinAt: 0, openAt: 0, answeredAt: 0, firstAt: 0, frames: 0, resumed: false }));
      const url = `${m.broker.url.replace('https', 'wss')}/ws/attendee`;
      // Each attendee stands for its own computer, whose browser has its TLS context (the trust it
      // puts in the site's certificate) before the user clicks join: one per attendee, made here,
      // not per connection inside the timed join. The handshake itself stays a full one, timed.
      const contexts = stats.map(() => createSecureContext({ ca: m.broker.certificate }));
      // tls 'resume': each attendee first loads the portal page (one HTTPS GET of /, before it clicks
      // join, so not timed) and keeps the TLS session ticket the broker gives it; its WebSocket then
      // resumes that session, as a browser does for a socket to the page's own origin. 'full': no
      // page load, every socket makes a full handshake (certificate signed and checked).
      const sessions: (Buffer | undefined)[] = m.tls === 'resume' ? await Promise.all(contexts.map((ctx) => pageLoad(m.broker.url, ctx))) : [];
      // As test/support's attendee(), plus the moment the socket opened (TLS and upgrade done).
      clients = stats.map((s, i) => new AttendeeClient(url, (u) => {
        // ws hands its options on to tls.connect (secureContext included; its types omit it).
        const session = sessions[i];
        const options: WebSocket.ClientOptions & { secureContext: SecureContext; session?: Buffer } = { secureContext: contexts[i]!, ...(session ? { session } : {}), perMessageDeflate: false, generateMask: (b: Buffer) => b.fill(0) };
        const ws = new WebSocket(u, options);
        ws.once('open', () => {
          s.openAt = performance.now();
          s.resumed = (ws as unknown as { _socket: TLSSocket })._socket.isSessionReused();
        });
        return ws as unknown as CustomerSocket;
      }));
      const throttled = new Set(m.throttled);
      const cpu0 = process.cpuUsage();
      await Promise.all(
        clients.map(async (c, i) => {
          const s = stats[i]!;
          s.joinAt = performance.now();
          c.onFrame(async () => {
            if (!s.firstAt) s.firstAt = performance.now();
            s.frames++;
            if (throttled.has(m.from + i)) await new Promise((res) => setTimeout(res, m.throttleMs));
          });
          await c.join({ key: m.key }, `Attendee ${m.from + i}`);
          s.answeredAt = performance.now();
        }),
      );
      const start = performance.now();
      while (stats.some((s) => !s.firstAt) && performance.now() - start < m.firstFrameWaitMs) await new Promise((res) => setTimeout(res, 20));
      const cpu = process.cpuUsage(cpu0);
      send({ type: 'joined', cpuS: (cpu.user + cpu.system) / 1e6, resumed: stats.filter((s) => s.resumed).length, joinToFirst: stats.map((s) => (s.firstAt ? s.firstAt - s.joinAt : null)), joinAnswer: stats.map((s) => s.answeredAt - s.joinAt), socketOpen: stats.map((s) => s.openAt - s.joinAt) });
    })().catch((err: unknown) => {
      send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    });
  } else if (m.type === 'count') {
    send({ type: 'counts', frames: stats.map((s) => s.frames) });
  } else {
    for (const c of clients) c.drop();
    process.exit(0);
  }
});
// The bench is gone (it ended or crashed): so are its attendees.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });

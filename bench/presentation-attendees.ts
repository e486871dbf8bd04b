// A worker process of bench:presentation: a share of the attendees (customer-core's AttendeeClient
// over real TLS sockets), driven by the bench over IPC, so joining and TLS handshakes of 200
// attendees are not all on one event loop. Messages in: {type:'join', broker, key, from, count,
// throttled} then {type:'count'} and {type:'stop'}. Messages out: {type:'joined', joinToFirst, joinAnswer, socketOpen},
// {type:'counts', frames}.
import WebSocket from 'ws';
import { AttendeeClient } from '../src/customer-core/attendee-client.ts';
import type { CustomerSocket } from '../src/customer-core/socket.ts';

type In =
  | { type: 'join'; broker: { url: string; certificate: string }; key: string; from: number; count: number; throttled: number[]; throttleMs: number; firstFrameWaitMs: number }
  | { type: 'count' }
  | { type: 'stop' };

const send = (m: unknown) => process.send!(m);
let clients: AttendeeClient[] = [];
let stats: { joinAt: number; openAt: number; answeredAt: number; firstAt: number; frames: number }[] = [];

process.on('message', (m: In) => {
  if (m.type === 'join') {
    void (async () => {
      stats = Array.from({ length: m.count }, () => ({ joinAt: 0, openAt: 0, answeredAt: 0, firstAt: 0, frames: 0 }));
      const url = `${m.broker.url.replace('https', 'wss')}/ws/attendee`;
      // As test/support's attendee(), plus the moment the socket opened (TLS and upgrade done).
      clients = stats.map((s) => new AttendeeClient(url, (u) => {
        const ws = new WebSocket(u, { ca: m.broker.certificate, perMessageDeflate: false, generateMask: (b: Buffer) => b.fill(0) });
        ws.once('open', () => (s.openAt = performance.now()));
        return ws as unknown as CustomerSocket;
      }));
      const throttled = new Set(m.throttled);
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
      send({ type: 'joined', joinToFirst: stats.map((s) => (s.firstAt ? s.firstAt - s.joinAt : null)), joinAnswer: stats.map((s) => s.answeredAt - s.joinAt), socketOpen: stats.map((s) => s.openAt - s.joinAt) });
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

// bench:sessions — 1,000 concurrent simulated customers on loopback against the built broker
// process: sessions started/s, chat round trip p50/p99 (customer → rep → customer, each line
// written to the store before it is delivered), broker RSS per idle session (KB).
// Progress on stderr, one JSON line on stdout.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { SESSION_PROTOCOL_VERSION } from '../src/protocol/sessions.ts';
import { benchApi, rssKb, startBroker, type Msg } from './support/broker.ts';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1000);
const CONCURRENCY = 50;
const CHAT_ROUNDS = Number(process.env.BENCH_CHAT_ROUNDS ?? 2000);
const CHAT_SESSIONS = 50;
const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-bench-sessions-'));
const log = (...a: unknown[]) => console.error('[bench:sessions]', ...a);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


/** A WebSocket whose messages go to one handler at a time, set by the bench step. */
function open(url: string, ca: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; on: (h: (m: Msg) => void) => void }> {
  const ws = new WebSocket(url, { ca, headers });
  let handler: (m: Msg) => void = () => undefined;
  ws.on('message', (d) => handler(JSON.parse(d.toString()) as Msg));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, on: (h) => (handler = h) }));
    ws.once('error', reject);
  });
}

const started = await startBroker({ dataDir, args: ['--session-start-limit', '1000000'] });
const { child, url, ca } = started;
try {
  const api = await benchApi(started);
  const { call } = api;
  const admin = { token: api.admin };
  await call('/api/v1/users', { username: 'benchrep', displayName: 'Bench Rep', password: 'Bench!Passw0rd' }, admin.token);
  const rep = await call('/api/v1/auth/login', { username: 'benchrep', password: 'Bench!Passw0rd', client: 'desktop' });
  const wss = url.replace('https', 'wss');
  const repWs = await open(`${wss}/ws/rep`, ca, { authorization: `Bearer ${rep.token}` });
  await sleep(1000);
  const coldRss = rssKb(child.pid!);
  // Warm-up: a first wave of sessions that start and end grows the JS heap's spaces and SQLite's
  // page cache once; the idle-session figure is then what each further session costs.
  const warm = [];
  for (let i = 0; i < 200; i++) {
    const c = await open(`${wss}/ws/customer`, ca);
    await new Promise<void>((resolve) => {
      c.on((m) => (m.type === 'welcome' ? resolve() : undefined));
      c.ws.send(JSON.stringify({ type: 'hello', protocol: SESSION_PROTOCOL_VERSION, client: 'customer_client', join: { kind: 'connect' }, customer: { name: 'warm-up' } }));
    });
    warm.push(c);
  }
  for (const c of warm) c.ws.send(JSON.stringify({ type: 'end', cid: 1 }));
  await sleep(3000);
  const baseRss = rssKb(child.pid!);
  log(`broker RSS: ${(coldRss / 1024).toFixed(1)} MB cold, ${(baseRss / 1024).toFixed(1)} MB after a 200-session warm-up`);

  // 1. Start 1,000 sessions (Connect button path: each lands in the rep's personal queue).
  const customers: { ws: WebSocket; on: (h: (m: Msg) => void) => void; lsid: string; cid: number }[] = [];
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CUSTOMERS) {
        next++;
        const c = await open(`${wss}/ws/customer`, ca);
        const welcome = await new Promise<Msg>((resolve, reject) => {
          c.on((m) => (m.type === 'welcome' ? resolve(m) : m.type === 'error' ? reject(new Error(m.message)) : undefined));
          c.ws.send(JSON.stringify({ type: 'hello', protocol: SESSION_PROTOCOL_VERSION, client: 'customer_client', join: { kind: 'connect' }, customer: { name: `customer ${next}` } }));
        });
        customers.push({ ...c, lsid: welcome.lsid, cid: 0 });
      }
    }),
  );
  const startSeconds = (performance.now() - t0) / 1000;
  const startedPerSecond = CUSTOMERS / startSeconds;
  log(`${CUSTOMERS} sessions started in ${startSeconds.toFixed(2)} s (${startedPerSecond.toFixed(0)}/s)`);

  // 2. Idle memory: every session open, nobody talking.
  await sleep(3000);
  const idleRss = rssKb(child.pid!);
  const perSessionKb = (idleRss - baseRss) / CUSTOMERS;
  const perSessionColdKb = (idleRss - coldRss) / CUSTOMERS;
  log(`broker RSS with ${CUSTOMERS} idle sessions: ${(idleRss / 1024).toFixed(1)} MB (${perSessionKb.toFixed(1)} KB per session)`);

  // 3. Chat round trip: the rep accepts some sessions; a customer line reaches the rep, who answers at once.
  const chatting = customers.slice(0, CHAT_SESSIONS);
  const pending = new Map<string, (m: Msg) => void>();
  repWs.on((m) => {
    if (m.type === 'reply' || m.type === 'error') pending.get(m.ref)?.(m);
    if (m.type === 'session.event' && m.event.body.kind === 'chat' && m.event.actor.kind === 'customer') {
      repWs.ws.send(JSON.stringify({ type: 'session.chat', ref: `c${m.event.seq}${m.lsid}`, lsid: m.lsid, cid: m.event.seq, text: `re: ${m.event.body.text}` }));
    }
  });
  for (const c of chatting) {
    await new Promise<Msg>((resolve) => {
      const ref = `a-${c.lsid}`;
      pending.set(ref, resolve);
      repWs.ws.send(JSON.stringify({ type: 'session.accept', ref, lsid: c.lsid }));
    });
  }
  const rtts: number[] = [];
  const acks: number[] = [];
  for (let i = 0; i < CHAT_ROUNDS; i++) {
    const c = chatting[i % chatting.length]!;
    const text = `line ${i}`;
    const cid = ++c.cid;
    const start = performance.now();
    await new Promise<void>((resolve) => {
      let acked = false;
      let answered = false;
      c.on((m) => {
        if (m.type === 'ack' && m.cid === cid && !acked) {
          acked = true;
          acks.push(performance.now() - start);
        }
        if (m.type === 'event' && m.event.body.kind === 'chat' && m.event.body.text === `re: ${text}` && !answered) {
          answered = true;
          rtts.push(performance.now() - start);
        }
        if (acked && answered) resolve();
      });
      c.ws.send(JSON.stringify({ type: 'chat', cid, text }));
    });
  }
  log(`chat round trip over ${CHAT_ROUNDS} lines: p50 ${pct(rtts, 50).toFixed(2)} ms, p99 ${pct(rtts, 99).toFixed(2)} ms; ack p99 ${pct(acks, 99).toFixed(2)} ms`);

  for (const c of customers) c.ws.terminate();
  repWs.ws.close();
  await api.close();
  process.stdout.write(
    `${JSON.stringify({
      bench: 'sessions',
      customers: CUSTOMERS,
      sessions_started_per_s: round(startedPerSecond, 0),
      chat_rtt_p50_ms: round(pct(rtts, 50)),
      chat_rtt_p99_ms: round(pct(rtts, 99)),
      chat_ack_p99_ms: round(pct(acks, 99)),
      rss_per_idle_session_kb: round(perSessionKb, 1),
      rss_growth_from_cold_per_session_kb: round(perSessionColdKb, 1),
      broker_rss_idle_sessions_mb: round(idleRss / 1024, 1),
      targets: { chat_rtt_p99_ms: 10, rss_per_idle_session_kb: 50 },
    })}\n`,
  );
} finally {
  child.kill('SIGTERM');
  await once(child, 'exit');
  rmSync(dataDir, { recursive: true, force: true });
}

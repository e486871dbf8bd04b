// One party of bench:relay in its own process: `customer` (the customer client's session) or
// `rep` (console-core, one to three consoles). Reads its orders from PARTY (JSON), prints JSON
// lines of results on stdout, progress on stderr.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { createConsoleCore } from '../src/console-core/index.ts';
import type { Channel } from '../src/protocol/channel-endpoint.ts';
import { customerSession, repCore, waitForQueue } from '../test/support/channels.ts';

interface Orders {
  role: 'customer' | 'rep';
  brokerUrl: string;
  /** The customer's way in (a delaying proxy, or the broker itself). */
  customerUrl: string;
  certificate: string;
  fingerprint: string;
  repIds: number[];
  users: { username: string; password: string }[];
  bytes: number;
  frames: number;
  frameBytes: number;
}

const o = JSON.parse(process.env.PARTY!) as Orders;
const out = (x: unknown) => process.stdout.write(`${JSON.stringify(x)}\n`);
const CHUNK = 1024 * 1024;

async function send(ch: Channel, total: number): Promise<void> {
  const buf = new Uint8Array(CHUNK).fill(0x5a);
  for (let sent = 0; sent < total; sent += CHUNK) await ch.write(buf);
}

async function receive(ch: Channel, total: number): Promise<number> {
  let got = 0;
  let t0 = 0;
  for await (const m of ch) {
    if (got === 0) t0 = performance.now();
    got += m.payload.length;
    if (got >= total) break;
  }
  return (total / 1024 / 1024) / ((performance.now() - t0) / 1000);
}

/** BENCH_RELAY_PROFILE=dir: each party writes a CPU profile of each file phase there (<role>-<phase>.cpuprofile). */
const PROFILE_DIR = process.env.BENCH_RELAY_PROFILE;
let phases = 0;

/** CPU seconds (user + system) this process spends on `phase`, per GiB of `bytes`: the load-insensitive figure. */
async function cpuPerGiB<T>(bytes: number, name: string, phase: () => Promise<T>): Promise<[T, number]> {
  const inspector = PROFILE_DIR ? new Session() : null;
  if (inspector) {
    inspector.connect();
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.start');
  }
  const c0 = process.cpuUsage();
  const r = await phase();
  const c = process.cpuUsage(c0);
  const mem = process.memoryUsage();
  const mb = (x: number) => Math.round(x / 2 ** 20);
  console.error(`[bench:relay ${o.role}] after ${name}: rss ${mb(mem.rss)} MB, heap ${mb(mem.heapUsed)}/${mb(mem.heapTotal)} MB, array buffers ${mb(mem.arrayBuffers)} MB`);
  if (inspector) {
    const { profile } = await inspector.post('Profiler.stop');
    writeFileSync(join(PROFILE_DIR!, `${o.role}-${process.pid}-${++phases}-${name}.cpuprofile`), JSON.stringify(profile));
    inspector.disconnect();
  }
  return [r, (c.user + c.system) / 1e6 / (bytes / 2 ** 30)];
}

if (o.role === 'customer') {
  const c = customerSession(o.customerUrl, o.fingerprint, o.repIds[0]!);
  await c.welcomed;
  const file = await c.nextChannel();
  const [mibS, receiveCpu] = await cpuPerGiB(o.bytes, 'receive', () => receive(file, o.bytes));
  out({ received_mib_s: mibS, receive_cpu_s_per_gib: receiveCpu, receive_window_bytes: file.currentWindow });
  const [, sendCpu] = await cpuPerGiB(o.bytes, 'send', () => send(file, o.bytes));
  out({ send_cpu_s_per_gib: sendCpu });
  const screen = await c.nextChannel();
  const frame = new Uint8Array(o.frameBytes).fill(3);
  for (let i = 0; i < o.frames; i++) {
    await screen.whenWritable();
    screen.writeLatest(frame, { key: i % 30 === 0 });
  }
  out({ screen_frames: o.frames, screen_bytes_uploaded: screen.stats.bytesSent });
  await new Promise((r) => setTimeout(r, 300));
  screen.close('bench_done');
  c.session.send({ type: 'end' });
  await new Promise((r) => setTimeout(r, 300));
  out({ peak_rss_kb: process.resourceUsage().maxRSS });
  process.exit(0);
} else {
  const broker = { url: o.brokerUrl, certificate: o.certificate };
  const consoles = await Promise.all(o.users.map((u) => repCore(broker, u.username, u.password)));
  const [a, ...others] = consoles.map((c) => c.core) as ReturnType<typeof createConsoleCore>[];
  const q = await waitForQueue(a!, (s) => s.length > 0, 'a customer', 30_000);
  const lsid = q[0]!.lsid;
  await a!.sessions.accept(lsid);
  for (const p of ['file_transfer', 'screen_view'] as const) await a!.sessions.requestPermission(lsid, p);
  await waitForQueue(a!, (s) => (s.find((x) => x.lsid === lsid)?.grants.length ?? 0) >= 2, 'grants');
  const file = await a!.channels.open(lsid, 'file', { bench: true });
  const [, sendCpu] = await cpuPerGiB(o.bytes, 'send', () => send(file, o.bytes));
  out({ send_cpu_s_per_gib: sendCpu });
  const [mibS, receiveCpu] = await cpuPerGiB(o.bytes, 'receive', () => receive(file, o.bytes));
  out({ received_mib_s: mibS, receive_cpu_s_per_gib: receiveCpu, receive_window_bytes: file.currentWindow });
  for (let i = 0; i < others.length; i++) {
    await a!.sessions.invite(lsid, o.repIds[i + 1]!);
    await waitForQueue(others[i]!, (s) => s.some((x) => x.lsid === lsid), 'invitation');
    await others[i]!.sessions.join(lsid);
  }
  const views = await Promise.all([a!, ...others].map((core) => core.channels.open(lsid, 'screen', { monitor: 0 })));
  const received = await Promise.all(
    views.map(async (v) => {
      let bytes = 0;
      v.onMessage((m) => void (bytes += m.payload.length));
      await v.closed;
      return bytes;
    }),
  );
  out({ viewer_bytes: received });
  out({ peak_rss_kb: process.resourceUsage().maxRSS });
  for (const c of consoles) await c.close();
  process.exit(0);
}

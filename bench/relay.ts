// bench:relay — bytes through a real broker over TLS on loopback, one process per party (broker,
// customer, rep): MiB/s customer→rep and rep→customer on a file channel, the same with 30 ms of
// round-trip delay added by a delaying TCP proxy in front of the customer, broker CPU seconds per
// GiB relayed, peak RSS of each party, and with 3 viewers of one screen stream the bytes the
// customer uploaded (one copy) against what each viewer got. Progress on stderr, one JSON line on stdout.
// BENCH_RELAY_RECORDING=1 turns session recording on first (REP-5): the broker's recording tee
// then sees every frame and writes the screen stream to disk; compare with a run without it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetch } from 'undici';
import { benchApi, cpuSeconds, hwmKb, startBroker, type Msg } from './support/broker.ts';

const BYTES = Number(process.env.BENCH_RELAY_MIB ?? 1024) * 1024 * 1024;
const DELAYED_BYTES = Number(process.env.BENCH_RELAY_DELAYED_MIB ?? 512) * 1024 * 1024;
const RECORDING = process.env.BENCH_RELAY_RECORDING === '1';
/** BENCH_RELAY_CEILING=0 skips the raw-TLS ceiling (quicker runs while working on the relay; the JSON then has null). */
const CEILING = process.env.BENCH_RELAY_CEILING !== '0';
const FRAMES = 300;
const FRAME_BYTES = 256 * 1024;
const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-bench-relay-'));
const log = (...a: unknown[]) => console.error('[bench:relay]', ...a);

/** A TCP proxy that holds every chunk `oneWayMs` before passing it on: RTT + 2 × oneWayMs. */
async function delayingProxy(targetPort: number, oneWayMs: number): Promise<{ port: number; server: Server }> {
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const pipe = (from: typeof client, to: typeof client) => {
      from.on('data', (d) => setTimeout(() => to.writable && to.write(d), oneWayMs));
      from.on('close', () => setTimeout(() => to.destroy(), oneWayMs));
      from.on('error', () => from.destroy());
    };
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, server };
}

/** A party's JSON result lines; anything else it printed on stdout (a Node flag's trace) goes to stderr. */
function jsonLines(role: string, out: string): Msg[] {
  const lines = out.trim().split('\n').filter(Boolean);
  for (const l of lines) if (!l.startsWith('{')) log(`${role}: ${l}`);
  return lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Msg);
}

function party(orders: Msg): { child: ChildProcess; lines: Promise<Msg[]> } {
  const child = spawn(process.execPath, [...((process.env.BENCH_PARTY_NODE_ARGS ?? process.env.BENCH_NODE_ARGS)?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', 'bench/relay-party.ts'], { env: { ...process.env, PARTY: JSON.stringify(orders) }, stdio: ['ignore', 'pipe', 'inherit'] });
  let buf = '';
  child.stdout!.on('data', (d) => (buf += d));
  const lines = new Promise<Msg[]>((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve(jsonLines(orders.role as string, buf)) : reject(new Error(`${orders.role} exited ${code}: ${buf}`)))),
  );
  return { child, lines };
}

/** One process of the raw-TLS ceiling (bench/relay-ceiling.ts); resolves with its first JSON line. */
function ceilingPart(orders: Msg): { child: ChildProcess; first: Promise<Msg> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/relay-ceiling.ts'], { env: { ...process.env, CEILING: JSON.stringify(orders) }, stdio: ['ignore', 'pipe', 'inherit'] });
  const first = new Promise<Msg>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d) => {
      buf += d;
      if (buf.includes('\n')) resolve(JSON.parse(buf.split('\n')[0]!) as Msg);
    });
    child.once('exit', (code) => reject(new Error(`ceiling ${orders.role} exited ${code}`)));
  });
  return { child, first };
}

/** MiB/s of sender → TLS → relay → TLS → receiver with Node's tls and pipe() alone, optionally through the delaying proxy. */
async function tlsPipeCeiling(bytes: number, oneWayMs: number): Promise<number> {
  const files = { certFile: join(dataDir, 'tls', 'cert.pem'), keyFile: join(dataDir, 'tls', 'key.pem'), bytes };
  const receiver = ceilingPart({ ...files, role: 'receiver' });
  const relay = ceilingPart({ ...files, role: 'relay', port: (await receiver.first).port });
  let port = (await relay.first).port as number;
  const proxy = oneWayMs > 0 ? await delayingProxy(port, oneWayMs) : null;
  if (proxy) port = proxy.port;
  const sender = ceilingPart({ ...files, role: 'sender', port });
  sender.first.catch(() => undefined); // the sender prints nothing; it is killed at the end
  const result = await new Promise<Msg>((resolve, reject) => {
    let buf = '';
    receiver.child.stdout!.on('data', (d) => {
      buf += d;
      const line = buf.split('\n').find((l) => l.includes('mib_s'));
      if (line) resolve(JSON.parse(line) as Msg);
    });
    receiver.child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`ceiling receiver exited ${code}`))));
  });
  for (const p of [receiver, relay, sender]) p.child.kill();
  proxy?.server.close();
  return result.mib_s as number;
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const started = await startBroker({ dataDir });
const { child: broker, url, pin, ca } = started;
try {
  const api = await benchApi(started);
  const { call } = api;
  const admin = { token: api.admin };
  const users: { username: string; password: string }[] = [];
  const repIds: number[] = [];
  for (const name of ['relayA', 'relayB', 'relayC']) {
    const u = await call('/api/v1/users', { username: name, displayName: name, password: 'Bench!Passw0rd', permissions: { promptAttended: 'never', screenSharing: true, fileTransfer: true } }, admin.token);
    users.push({ username: name, password: 'Bench!Passw0rd' });
    repIds.push(u.id);
  }
  const port = Number(new URL(url).port);
  if (RECORDING) {
    const r = await fetch(`${url}/api/v1/site/settings`, {
      method: 'PATCH',
      dispatcher: api.dispatcher,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
      body: JSON.stringify({ recordSessions: true }),
    });
    if (r.status !== 200) throw new Error(`recording could not be turned on: ${r.status} ${await r.text()}`);
    log('session recording on: the recording tee sees every frame');
  }
  const recordedBytes = () => {
    try {
      const d = join(dataDir, 'recordings');
      return readdirSync(d).reduce((n, f) => n + statSync(join(d, f)).size, 0);
    } catch {
      return 0;
    }
  };

  async function run(label: string, customerUrl: string, bytes: number, viewers: number) {
    log(`${label}: ${bytes / 1024 / 1024} MiB each way, ${viewers} viewer(s)`);
    const base = { brokerUrl: url, customerUrl, certificate: ca, fingerprint: pin, repIds, bytes, frames: FRAMES, frameBytes: FRAME_BYTES };
    const cpu0 = cpuSeconds(broker.pid!);
    const rep = party({ ...base, role: 'rep', users: users.slice(0, viewers) });
    await new Promise((r) => setTimeout(r, 1500));
    const customer = party({ ...base, role: 'customer', users: [] });
    const [r, c] = await Promise.all([rep.lines, customer.lines]);
    const cpu = cpuSeconds(broker.pid!) - cpu0;
    const get = (ls: Msg[], k: string) => ls.find((l) => k in l)?.[k];
    return {
      // The rep sends first (the customer's receive rate), then the customer sends (the rep's).
      repToCustomer: get(c, 'received_mib_s') as number,
      customerToRep: get(r, 'received_mib_s') as number,
      brokerCpuPerGiB: cpu / ((2 * bytes + FRAMES * FRAME_BYTES * (1 + viewers)) / 2 ** 30),
      cpu: {
        // CPU seconds per GiB each party spent sending or receiving (rep→customer is the first phase).
        rep_send: get(r, 'send_cpu_s_per_gib') as number,
        customer_receive: get(c, 'receive_cpu_s_per_gib') as number,
        customer_send: get(c, 'send_cpu_s_per_gib') as number,
        rep_receive: get(r, 'receive_cpu_s_per_gib') as number,
      },
      // The receivers' windows at the end (auto-tuned from the kind's initial window).
      windows: { rep_to_customer: get(c, 'receive_window_bytes') as number, customer_to_rep: get(r, 'receive_window_bytes') as number },
      customerRss: get(c, 'peak_rss_kb') as number,
      repRss: get(r, 'peak_rss_kb') as number,
      uploaded: get(c, 'screen_bytes_uploaded') as number,
      frames: get(c, 'screen_frames') as number,
      viewerBytes: get(r, 'viewer_bytes') as number[],
    };
  }

  const direct = await run('loopback', url, BYTES, 3);
  log(`loopback: customer→rep ${round(direct.customerToRep)} MiB/s, rep→customer ${round(direct.repToCustomer)} MiB/s`);
  const proxy = await delayingProxy(port, 15);
  const delayed = await run('30 ms RTT', `https://127.0.0.1:${proxy.port}`, DELAYED_BYTES, 1);
  log(`30 ms RTT: customer→rep ${round(delayed.customerToRep)} MiB/s, rep→customer ${round(delayed.repToCustomer)} MiB/s`);
  proxy.server.close();
  if (CEILING) log('ceiling: raw TLS through a relay process, no WebSocket, no frames');
  const ceiling = CEILING ? await tlsPipeCeiling(BYTES, 0) : null;
  const ceiling30 = CEILING ? await tlsPipeCeiling(DELAYED_BYTES, 15) : null;
  log(`ceiling: ${ceiling && round(ceiling)} MiB/s, ${ceiling30 && round(ceiling30)} MiB/s at 30 ms`);
  const result = {
    bench: 'relay',
    recording: RECORDING,
    recorded_bytes: recordedBytes(),
    customer_to_rep_mib_s: round(direct.customerToRep),
    rep_to_customer_mib_s: round(direct.repToCustomer),
    customer_to_rep_mib_s_30ms: round(delayed.customerToRep),
    rep_to_customer_mib_s_30ms: round(delayed.repToCustomer),
    // The same bytes with Node's tls + pipe() and nothing of ours (bench/relay-ceiling.ts), same run.
    tls_pipe_ceiling_mib_s: ceiling && round(ceiling),
    tls_pipe_ceiling_mib_s_30ms: ceiling30 && round(ceiling30),
    load_average: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
    broker_cpu_s_per_gib: round(direct.brokerCpuPerGiB, 2),
    party_cpu_s_per_gib: Object.fromEntries(Object.entries(direct.cpu).map(([k, v]) => [k, round(v, 2)])),
    party_cpu_s_per_gib_30ms: Object.fromEntries(Object.entries(delayed.cpu).map(([k, v]) => [k, round(v, 2)])),
    receive_window_mib: Object.fromEntries(Object.entries(direct.windows).map(([k, v]) => [k, v / 2 ** 20])),
    receive_window_mib_30ms: Object.fromEntries(Object.entries(delayed.windows).map(([k, v]) => [k, v / 2 ** 20])),
    peak_rss_mb: { broker: round(hwmKb(broker.pid!) / 1024), customer: round(direct.customerRss / 1024), rep_3_consoles: round(direct.repRss / 1024) },
    fanout_3_viewers: { frames: direct.frames, frame_bytes: FRAME_BYTES, customer_uploaded_bytes: direct.uploaded, one_copy: direct.uploaded === direct.frames * FRAME_BYTES, viewer_bytes: direct.viewerBytes },
    bytes_each_way: BYTES,
  };
  await api.close();
  console.log(JSON.stringify(result));
} finally {
  broker.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}

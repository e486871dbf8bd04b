// bench:jump — 20,000 idle Jump Clients on one broker on loopback (the built broker process, the
// real agent class in a few worker processes): registration rate, broker RSS per idle client,
// idle CPU of the broker, and the time for all to come back after a broker restart.
// Progress on stderr, one JSON line on stdout. Run through `npm run bench:jump` (raises ulimit -n).
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchApi, rssKb, startBroker } from './support/broker.ts';
import { machineProof } from '../src/endpoint/jump/identity.ts';

// 20,000 is the goal; a broker needs a file descriptor per client plus ~30 of its own, so where the
// hard limit is 20,000 (a container without CAP_SYS_RESOURCE) the default stays just under it.
const FD_LIMIT = Number(process.env.BENCH_JUMP_FD_LIMIT ?? 20_000);
const CLIENTS = Number(process.env.BENCH_JUMP_CLIENTS ?? Math.min(20_000, FD_LIMIT - 100));
const WORKERS = Number(process.env.BENCH_JUMP_WORKERS ?? 4);
const IDLE_SECONDS = Number(process.env.BENCH_JUMP_IDLE_SECONDS ?? 60);
/** How long everyone may take to connect (a loaded shared machine connects ~60 clients/s). */
const CONNECT_SECONDS = Number(process.env.BENCH_JUMP_CONNECT_SECONDS ?? 300);
const HEARTBEAT_SECONDS = 60;
/** The broker's --jump-admission-limit (connections authenticated at once; its default when unset). */
const ADMISSION = process.env.BENCH_JUMP_ADMISSION;
const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-bench-jump-'));
const log = (...a: unknown[]) => console.error('[bench:jump]', ...a);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

const startJumpBroker = (port: number) =>
  startBroker({ dataDir, port, nodeArgs: [], args: ['--jump-client-licences', String(CLIENTS + 10), '--jump-registration-limit', '100000000', ...(ADMISSION ? ['--jump-admission-limit', ADMISSION] : [])] });

/** utime + stime of a process, in clock ticks (100 per second on Linux). */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

let broker = await startJumpBroker(0);
const port = Number(new URL(broker.url).port);
const workers: ChildProcess[] = [];
const online = new Map<ChildProcess, number>();
/** Connections the broker answered `busy` (admission limit), per worker. */
const busy = new Map<ChildProcess, number>();
const totalBusy = () => [...busy.values()].reduce((a, b) => a + b, 0);
const totalOnline = () => [...online.values()].reduce((a, b) => a + b, 0);
let onChange: () => void = () => undefined;
try {
  const api = await benchApi(broker, { connections: 16, pipelining: 1 });
  const { call, dispatcher } = api;
  const admin = { token: api.admin };
  const d = await call('/api/v1/jump/deployments', { platform: 'linux-x64', jumpGroup: 'user:admin', validMinutes: 600, maxInstalls: CLIENTS }, admin.token);

  // ---- registrations ----
  const identities: { clientId: string; secret: string; proof: string }[] = [];
  const info = { hostName: 'bench', os: 'Linux', userName: 'bench', privateIp: '10.0.0.1', version: '0.1.0', platform: 'linux-x64' };
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < CLIENTS) {
        const n = next++;
        const proof = machineProof(`bench-${n}`);
        const r = await call('/api/v1/jump/register', { keyInfo: d.keyInfo, info: { ...info, hostName: `bench-${n}` }, machineProof: proof });
        identities.push({ clientId: r.clientId, secret: r.secret, proof });
        if (identities.length % 5000 === 0) log(`${identities.length} registered`);
      }
    }),
  );
  const registrationSeconds = (performance.now() - t0) / 1000;
  const registrationsPerSecond = CLIENTS / registrationSeconds;
  log(`${CLIENTS} registered in ${round(registrationSeconds)} s (${round(registrationsPerSecond)}/s)`);
  await dispatcher.close();

  // ---- connect everyone ----
  await new Promise((r) => setTimeout(r, 2000));
  const rssBefore = rssKb(broker.child.pid!);
  const waitOnline = (count: number, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${totalOnline()} of ${count} online after ${timeoutMs} ms`)), timeoutMs);
      onChange = () => {
        if (totalOnline() >= count) {
          clearTimeout(timer);
          resolve();
        }
      };
      onChange();
    });
  const per = Math.ceil(CLIENTS / WORKERS);
  const tc = performance.now();
  for (let w = 0; w < WORKERS; w++) {
    const file = join(dataDir, `worker-${w}.json`);
    writeFileSync(file, JSON.stringify({ broker: broker.url, pin: broker.pin, identities: identities.slice(w * per, (w + 1) * per) }));
    const child = fork('bench/jump-worker.ts', [file], { execArgv: ['--import', 'tsx', '--max-old-space-size=4096'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    online.set(child, 0);
    child.on('message', (m: any) => {
      online.set(child, m.online);
      busy.set(child, m.busy ?? 0);
      onChange();
    });
    workers.push(child);
  }
  let lastLog = 0;
  const progress = setInterval(() => {
    if (totalOnline() !== lastLog) log(`${(lastLog = totalOnline())} online`);
  }, 5000);
  await waitOnline(CLIENTS, CONNECT_SECONDS * 1000);
  const connectSeconds = (performance.now() - tc) / 1000;
  log(`all ${CLIENTS} online in ${round(connectSeconds)} s`);

  // ---- idle ----
  await new Promise((r) => setTimeout(r, 10_000));
  const ticks0 = cpuTicks(broker.child.pid!);
  const ti = performance.now();
  await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
  const idleCpuPercent = ((cpuTicks(broker.child.pid!) - ticks0) / 100 / ((performance.now() - ti) / 1000)) * 100;
  const rssIdle = rssKb(broker.child.pid!);
  const rssPerClientKb = (rssIdle - rssBefore) / CLIENTS;
  log(`idle: broker RSS ${rssIdle} KB (${round(rssPerClientKb)} KB per client), CPU ${round(idleCpuPercent)} % over ${IDLE_SECONDS} s`);
  if (totalOnline() !== CLIENTS) log(`warning: ${totalOnline()} online at the end of the idle period`);

  // ---- restart ----
  const tk = performance.now();
  broker.child.kill('SIGTERM');
  await once(broker.child, 'exit');
  await waitOnline(0, 60_000).catch(() => undefined);
  const busyBeforeRestart = totalBusy();
  onChange = () => undefined;
  broker = await startJumpBroker(port);
  const tl = performance.now();
  log('broker restarted; waiting for everyone to come back');
  await waitOnline(CLIENTS, 180_000);
  const reconnectSeconds = (performance.now() - tl) / 1000;
  const reconnectFromStopSeconds = (performance.now() - tk) / 1000;
  log(`all ${CLIENTS} back ${round(reconnectSeconds)} s after the new broker listened (${round(reconnectFromStopSeconds)} s after the stop)`);
  clearInterval(progress);

  console.log(
    JSON.stringify({
      bench: 'jump',
      clients: CLIENTS,
      fd_limit: FD_LIMIT,
      registrations_per_s: round(registrationsPerSecond),
      connect_all_s: round(connectSeconds),
      broker_rss_kb_before: rssBefore,
      broker_rss_kb_idle: rssIdle,
      rss_per_idle_client_kb: round(rssPerClientKb),
      idle_cpu_percent: round(idleCpuPercent),
      idle_window_s: IDLE_SECONDS,
      heartbeat_s: HEARTBEAT_SECONDS,
      reconnect_all_s: round(reconnectSeconds),
      reconnect_from_stop_s: round(reconnectFromStopSeconds),
      admission_limit: ADMISSION ? Number(ADMISSION) : 'default',
      busy_refusals_connect: busyBeforeRestart,
      busy_refusals_reconnect: totalBusy() - busyBeforeRestart,
      targets: { rss_per_idle_client_kb: 60, idle_cpu_percent: 5, reconnect_all_s: 60 },
    }),
  );
} finally {
  for (const w of workers) w.send('stop');
  await Promise.all(workers.map((w) => (w.exitCode === null ? once(w, 'exit') : Promise.resolve())));
  broker.child.kill('SIGTERM');
  if (broker.child.exitCode === null) await once(broker.child, 'exit');
  rmSync(dataDir, { recursive: true, force: true });
}

// bench:files — BENCH_FILES_MIB (default 1024) MiB uploaded to the customer's machine and
// downloaded back through a real broker over TLS on loopback, one process each: the built
// broker (dist/cli.js), the real customer client's app and tools (bench/files-agent.ts, its
// file root in a temporary folder on disk), and the rep's console-core (this process, the same
// upload()/download() the console uses, SHA-256 end to end). Then the shell round trip: a byte
// typed into a shell running `cat` in raw mode until it comes back, BENCH_FILES_SHELL_ROUNDS
// (default 1000) times. Progress on stderr, one JSON line on stdout.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { download, upload, type DownloadTarget } from '../src/console-core/files/transfers.ts';
import { RemoteShell } from '../src/console-core/shell/remote-shell.ts';
import type { ToolChannel } from '../src/protocol/tool-channel.ts';
import { repCore, waitForQueue } from '../test/support/channels.ts';

const MIB = Number(process.env.BENCH_FILES_MIB ?? 1024);
const BYTES = MIB * 1024 * 1024;
const ROUNDS = Number(process.env.BENCH_FILES_SHELL_ROUNDS ?? 1000);
const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-bench-files-'));
const root = mkdtempSync(join(tmpdir(), 'passerelle-bench-files-home-'));
const log = (...a: unknown[]) => console.error('[bench:files]', ...a);
type Msg = Record<string, any>;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const hwmKb = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);

function startBroker(): Promise<{ child: ChildProcess; url: string; pin: string }> {
  const child = spawn(process.execPath, [...nodeArgs, 'dist/cli.js', 'broker', '--data', dataDir, '--port', '0', '--log-level', 'warn', '--login-rate-limit', '1000000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (\S+) \(certificate SHA-256 ([0-9A-F:]+)/i.exec(out);
      if (m) resolve({ child, url: m[1]!, pin: m[2]! });
    });
    child.once('exit', (c) => reject(new Error(`broker exited ${c}`)));
  });
}

/** Samples a process's resident memory while `p` runs: the most seen (VmHWM covers the start-up too). */
async function sampled<T>(pids: number[], p: Promise<T>): Promise<{ value: T; peakKb: number[]; cpu: number[]; halvesKb: number[][] }> {
  const peak = pids.map(() => 0);
  const samples: number[][] = [];
  const cpu0 = pids.map(cpuSeconds);
  const own0 = process.cpuUsage();
  const timer = setInterval(() => {
    const now = pids.map(rssKb);
    samples.push(now);
    now.forEach((kb, i) => (peak[i] = Math.max(peak[i]!, kb)));
  }, 100);
  try {
    const value = await p;
    const own = process.cpuUsage(own0);
    // Peak of the first and of the second half of the transfer: flat memory means the second is no higher.
    const half = Math.floor(samples.length / 2);
    const halvesKb = pids.map((_, i) => [Math.max(0, ...samples.slice(0, half).map((x) => x[i]!)), Math.max(0, ...samples.slice(half).map((x) => x[i]!))]);
    return { value, peakKb: peak, halvesKb, cpu: [...pids.map((pid, i) => cpuSeconds(pid) - cpu0[i]!), (own.user + own.system) / 1e6] };
  } finally {
    clearInterval(timer);
  }
}

const { child: broker, url, pin } = await startBroker();
let agent: ChildProcess | null = null;
try {
  const ca = readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8');
  const dispatcher = new Agent({ connect: { ca } });
  const call = async (path: string, body: unknown, token?: string) => {
    const r = await fetch(`${url}${path}`, { method: 'POST', dispatcher, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    const json = (await r.json()) as Msg;
    if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(json)}`);
    return json;
  };
  let admin = await call('/api/v1/auth/login', { username: 'admin', password: 'password', client: 'desktop' });
  await call('/api/v1/me/password', { currentPassword: 'password', newPassword: 'Bench!Passw0rd' }, admin.token);
  admin = await call('/api/v1/auth/login', { username: 'admin', password: 'Bench!Passw0rd', client: 'desktop' });
  const rep = await call('/api/v1/users', { username: 'filesrep', displayName: 'Files Rep', password: 'Bench!Passw0rd', permissions: { promptAttended: 'always', fileTransfer: true, shell: true } }, admin.token);
  await dispatcher.close();

  const { core, close } = await repCore({ url, certificate: ca }, 'filesrep', 'Bench!Passw0rd');
  agent = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'bench/files-agent.ts'], { env: { ...process.env, AGENT: JSON.stringify({ brokerUrl: url, fingerprint: pin, repId: rep.id, root }) }, stdio: ['ignore', 'inherit', 'inherit'] });
  const q = await waitForQueue(core, (s) => s.length > 0, 'the customer in the queue', 60_000);
  const lsid = q[0]!.lsid;
  await core.sessions.accept(lsid);
  for (const p of ['file_transfer', 'shell'] as const) await core.sessions.requestPermission(lsid, p);
  await waitForQueue(core, (s) => (s.find((x) => x.lsid === lsid)?.grants.length ?? 0) >= 2, 'grants', 30_000);
  const openFile = (meta: unknown) => core.channels.open(lsid, 'file', meta as never) as unknown as Promise<ToolChannel>;
  const openShell = (meta: unknown) => core.channels.open(lsid, 'shell', meta as never) as unknown as Promise<ToolChannel>;

  // Up: the rep's bytes come from memory (a 64 MiB random block, repeated), so the disk read is not timed on this side.
  const block = randomBytes(64 * 1024 * 1024);
  const read = async (offset: number, length: number) => {
    const at = offset % block.length;
    return block.subarray(at, Math.min(at + length, block.length));
  };
  const load0 = load();
  log(`upload: ${MIB} MiB (load ${load0.join(' ')})`);
  let t0 = performance.now();
  const up = await sampled([broker.pid!, agent.pid!], upload(openFile, '', [{ kind: 'file', path: 'bench.bin', size: BYTES, read }], { conflict: 'overwrite', retries: 0 }));
  const upSeconds = (performance.now() - t0) / 1000;
  if (statSync(join(root, 'bench.bin')).size !== BYTES) throw new Error('the uploaded file has the wrong size');
  log(`upload: ${round(MIB / upSeconds)} MiB/s, SHA-256 ${up.value[0]!.sha256}`);

  // Down: the same file back; the rep hashes what arrives (node:crypto, the console-core default under Node) and drops it.
  const target: DownloadTarget = { file: async () => ({ write: async () => {}, close: async () => {}, abort: async () => {} }) };
  const load1 = load();
  log(`download: ${MIB} MiB (load ${load1.join(' ')})`);
  t0 = performance.now();
  const down = await sampled([broker.pid!, agent.pid!], download(openFile, 'bench.bin', target, { retries: 0 }));
  const downSeconds = (performance.now() - t0) / 1000;
  if (down.value[0]!.sha256 !== up.value[0]!.sha256) throw new Error('the SHA-256 downloaded differs from the one uploaded');
  log(`download: ${round(MIB / downSeconds)} MiB/s`);
  rmSync(join(root, 'bench.bin'), { force: true });

  // Shell round trip: `cat` with the terminal in raw mode and no echo, so each byte comes back once, from cat.
  let waiting: ((s: string) => void) | null = null;
  let out = '';
  const sh = await RemoteShell.open(openShell, { cols: 80, rows: 24 }, {
    output: (b) => {
      out += Buffer.from(b).toString('latin1');
      if (waiting) {
        const w = waiting;
        waiting = null;
        w(out);
      }
    },
  });
  const until = async (pred: (s: string) => boolean) => {
    while (!pred(out)) await new Promise<string>((r) => (waiting = r));
  };
  await sh.write("stty raw -echo && echo RE''ADY && exec cat\n");
  await until((s) => s.includes('READY'));
  await new Promise((r) => setTimeout(r, 300)); // let the prompt and READY's line end arrive
  const rtt: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    out = '';
    const start = performance.now();
    await sh.write('x');
    await until((s) => s.includes('x'));
    rtt.push(performance.now() - start);
  }
  sh.close();
  rtt.sort((a, b) => a - b);
  const pct = (p: number) => rtt[Math.min(rtt.length - 1, Math.floor((p / 100) * rtt.length))]!;
  const load2 = load();

  const upMiBs = MIB / upSeconds;
  const downMiBs = MIB / downSeconds;
  const p50 = pct(50);
  const result = {
    bench: 'files',
    mib_each_way: MIB,
    upload_mib_s: round(upMiBs),
    download_mib_s: round(downMiBs),
    sha256_verified: true,
    peak_rss_mb: {
      broker: round(Math.max(up.peakKb[0]!, down.peakKb[0]!) / 1024),
      agent: round(Math.max(up.peakKb[1]!, down.peakKb[1]!) / 1024),
      broker_hwm: round(hwmKb(broker.pid!) / 1024),
      agent_hwm: round(hwmKb(agent.pid!) / 1024),
      rep: round(process.resourceUsage().maxRSS / 1024),
      // [first half, second half] of each transfer, [broker, agent].
      upload_halves: up.halvesKb.map((h) => h.map((kb) => round(kb / 1024))),
      download_halves: down.halvesKb.map((h) => h.map((kb) => round(kb / 1024))),
    },
    // CPU seconds per GiB moved, [broker, agent, rep]: what the load on this shared machine does not change much.
    cpu_s_per_gib: {
      upload: up.cpu.map((c) => round(c / (MIB / 1024), 2)),
      download: down.cpu.map((c) => round(c / (MIB / 1024), 2)),
    },
    shell_rtt_ms: { p50: round(p50, 2), p99: round(pct(99), 2), rounds: ROUNDS },
    vs_target: { upload: round(upMiBs / 400, 2), download: round(downMiBs / 400, 2), shell_p50: round(3 / p50, 2) },
    vs_meshcentral: { upload: round(upMiBs / 49, 1), download: round(downMiBs / 21.5, 1), shell_p50: round(43.6 / p50, 1) },
    load_average: { before_upload: load0, before_download: load1, after_shell: load2 },
  };
  await close();
  console.log(JSON.stringify(result));
} finally {
  agent?.kill('SIGTERM');
  broker.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
}

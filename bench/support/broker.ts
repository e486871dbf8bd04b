// What every bench does first: start the built broker (dist/cli.js) on a free loopback port with
// its own data folder, log in as the first administrator (changing the default password, as the
// broker requires), and call its REST API over TLS trusting its own certificate. Plus the /proc
// readings the benches report (CPU seconds, resident memory, load average).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';

export type Msg = Record<string, any>;

export interface BenchBroker {
  child: ChildProcess;
  /** https://127.0.0.1:port */
  url: string;
  /** The broker certificate's SHA-256 fingerprint, as the customer client pins it. */
  pin: string;
  /** The broker's certificate (PEM), for TLS clients to trust. */
  ca: string;
  /** performance.now() when the process was spawned. */
  t0: number;
}

export interface StartOptions {
  dataDir: string;
  /** More `passerelle broker` flags (rate limits, licences…). */
  args?: string[];
  port?: number;
  /** Node flags for the broker process (e.g. --cpu-prof); BENCH_NODE_ARGS by default. */
  nodeArgs?: string[];
}

export const benchNodeArgs = (): string[] => process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];

export function startBroker(o: StartOptions): Promise<BenchBroker> {
  const t0 = performance.now();
  const args = ['dist/cli.js', 'broker', '--data', o.dataDir, '--port', String(o.port ?? 0), '--log-level', 'warn', '--login-rate-limit', '1000000', ...(o.args ?? [])];
  const child = spawn(process.execPath, [...(o.nodeArgs ?? benchNodeArgs()), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (\S+) \(certificate SHA-256 ([0-9A-F:]+)/i.exec(out);
      if (m) resolve({ child, url: m[1]!, pin: m[2]!, ca: readFileSync(join(o.dataDir, 'tls', 'cert.pem'), 'utf8'), t0 });
    });
    child.once('exit', (c) => reject(new Error(`broker exited ${c}`)));
  });
}

export const BENCH_PASSWORD = 'Bench!Passw0rd';

export interface BenchApi {
  dispatcher: Agent;
  /** POST a JSON body; throws with the status and body on anything but 2xx. */
  call(path: string, body: unknown, token?: string): Promise<Msg>;
  /** The administrator's bearer token (its password changed to BENCH_PASSWORD). */
  admin: string;
  close(): Promise<void>;
}

export async function benchApi(broker: { url: string; ca: string }, agent: ConstructorParameters<typeof Agent>[0] = {}): Promise<BenchApi> {
  const dispatcher = new Agent({ ...agent, connect: { ca: broker.ca } });
  const call = async (path: string, body: unknown, token?: string) => {
    const r = await fetch(`${broker.url}${path}`, {
      method: 'POST',
      dispatcher,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const json = (await r.json()) as Msg;
    if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(json)}`);
    return json;
  };
  const first = await call('/api/v1/auth/login', { username: 'admin', password: 'password', client: 'desktop' });
  await call('/api/v1/me/password', { currentPassword: 'password', newPassword: BENCH_PASSWORD }, first.token);
  const admin = await call('/api/v1/auth/login', { username: 'admin', password: BENCH_PASSWORD, client: 'desktop' });
  return { dispatcher, call, admin: admin.token as string, close: () => dispatcher.close() };
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** Resident memory now, in KB. */
export const rssKb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
/** Peak resident memory so far (VmHWM), in KB. */
export const hwmKb = (pid: number): number => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
/** The machine's 1, 5 and 15 minute load averages (benches print them: this machine is shared). */
export const loadAverage = (): number[] => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);

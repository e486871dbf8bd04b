// npm run bench:meshcentral — MeshCentral's remote desktop measured on this machine, side by side
// with bench/screen.ts (issue 13). Everything on loopback, and everything it starts it kills:
//  - npm `meshcentral@1.1.55` is installed on demand into node_modules/.cache (never a project
//    dependency); its server runs with a data folder in a temp folder, an admin account made with
//    --createaccount/--adminaccount, and a device group made over control.ashx;
//  - its Linux agent (agents/meshagent_x86-64 from the package) runs `connect` with the .msh the
//    server hands out (/meshsettings) and DISPLAY set to the bench's Xvfb;
//  - this file then acts as MeshCentral's web viewer (public/scripts/agent-redir-ws-0.1.1.js and
//    agent-desktop-0.0.2.js): login over control.ashx with x-meshauth (as meshctrl.js does), an
//    authcookie, a `tunnel` message to the agent, meshrelay.ashx, protocol 2 (KVM), then the
//    viewer's own init: compression (its defaults: type 4, quality 40, scaling 1024, frame timer
//    50 ms), unpause, input-lock query, touch init;
//  - it counts KVM picture updates: the Linux KVM grabs the screen, sends the changed tiles of that
//    grab in raster order (MNG_KVM_PICTURE, X/Y in the header), then sleeps its frame timer. There
//    is no end-of-frame message, so an update is a run of tiles in raster order: a tile at or
//    before the previous one, or one after a pause of at least half the frame timer, starts the next.
// Before counting it checks that the KVM captures *this* display (the machine runs other Xvfbs):
// a marker square of a known colour is drawn on it and must be found in the decoded tile.
//
// From bench/screen.ts, on its own Xvfb and workload:
//   const mc = await startMeshCentral();            // install (cached), server, account, group
//   const r = await mc.measure(x, { workload: 'scrolling', seconds, warmupMs, onCountStart });
//   await mc.close();                                // kills the server; measure() kills its agent
// Env for the script: BENCH_SECONDS, BENCH_WARMUP_MS, BENCH_MC_RESOLUTIONS (1920x1080,1280x800),
// BENCH_MC_WORKLOADS (scrolling,static), BENCH_MC_FRAME_TIMER / _QUALITY / _IMAGE_TYPE / _SCALING.
// Not part of the test suite: CI never installs or runs MeshCentral.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import WebSocket from 'ws';
import { z } from 'zod';
import { XConnection } from '../src/endpoint/platform/linux-x11/x11-connection.ts';
import { startXvfb, type XDisplay } from '../test/support/x-display.ts';
import { changeCounter, startWorkload, type Workload } from './screen-workloads.ts';

const execFileP = promisify(execFile);
export const MESHCENTRAL_VERSION = '1.1.55';
const say = (s: string) => process.stderr.write(`[bench:meshcentral] ${(performance.now() / 1000).toFixed(0)} s: ${s}\n`);
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export class MeshCentralBenchError extends Error {
  constructor(
    readonly step: string,
    message: string,
  ) {
    super(`${step}: ${message}`);
    this.name = 'MeshCentralBenchError';
  }
}

/** The viewer settings sent with MNG_KVM_COMPRESSION; defaults are the web viewer's (default.handlebars desktopsettings). */
export interface KvmSettings {
  /** 1 JPEG, 2 PNG, 3 TIFF, 4 WebP (the web viewer asks for 4 when the browser has WebP). */
  imageType: number;
  quality: number;
  /** 1024 = 100 %. */
  scaling: number;
  /** ms the agent sleeps between two screen grabs ("Fast" = 50). */
  frameTimerMs: number;
}
export const webViewerDefaults: KvmSettings = { imageType: 4, quality: 40, scaling: 1024, frameTimerMs: 50 };

export interface MeshCentralResult {
  bench: 'screen';
  peer: 'meshcentral';
  version: string;
  workload: string;
  width: number;
  height: number;
  updatesPerSecond: number;
  bytesPerSecond: number;
  agentCpuMsPerUpdate: number | null;
  agentCpuPercent: number;
  serverCpuMsPerUpdate: number | null;
  tilesPerUpdate: number | null;
  sourceChangesPerSecond: number | null;
  seconds: number;
  tileEncoding: string;
  settings: KvmSettings;
  load: number[];
  note: string;
}

// ---------------------------------------------------------------------------------------------
// processes

/** CPU ms (user + system) of a process and all its live descendants, plus what it reaped, from /proc (100 Hz ticks). */
function treeCpuMs(root: number): number {
  const stats = new Map<number, { ppid: number; ms: number; reaped: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const f = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]!.split(' ');
      stats.set(Number(name), { ppid: Number(f[1]), ms: (Number(f[11]) + Number(f[12])) * 10, reaped: (Number(f[13]) + Number(f[14])) * 10 });
    } catch {
      continue; // the process ended while we listed /proc
    }
  }
  let total = stats.get(root)?.reaped ?? 0;
  for (const pid of descendantsOf(root, stats)) total += stats.get(pid)?.ms ?? 0;
  return total;
}

function descendantsOf(root: number, stats?: Map<number, { ppid: number }>): number[] {
  if (!stats) {
    stats = new Map();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        stats.set(Number(name), { ppid: Number(readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) });
      } catch {
        continue;
      }
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, s] of stats) if (s.ppid === out[i] && !out.includes(pid)) out.push(pid);
  return out.filter((p) => stats.has(p));
}

/** Kills a child and every process under it (the agent forks its KVM), SIGKILL after a grace period. */
async function killTree(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const pids = descendantsOf(child.pid);
  const gone = new Promise((r) => child.once('exit', r));
  for (const p of pids.reverse()) {
    try {
      process.kill(p, 'SIGTERM');
    } catch {
      continue; // already gone
    }
  }
  if (!(await Promise.race([gone.then(() => true), sleep(3000).then(() => false)]))) {
    for (const p of pids) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        continue;
      }
    }
    await gone;
  }
  for (const p of pids) {
    try {
      process.kill(p, 'SIGKILL'); // a forked KVM child that outlived its parent
    } catch {
      continue;
    }
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// install

/** Installs meshcentral@1.1.55 into the bench cache (once) and returns the package folder. */
export async function installMeshCentral(): Promise<string> {
  const prefix = process.env.BENCH_MESHCENTRAL_DIR ?? join(repoRoot, 'node_modules', '.cache', 'passerelle-bench', `meshcentral-${MESHCENTRAL_VERSION}`);
  const pkg = join(prefix, 'node_modules', 'meshcentral');
  const installed = (() => {
    try {
      return z.object({ version: z.string() }).parse(JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'))).version;
    } catch {
      return null;
    }
  })();
  if (installed !== MESHCENTRAL_VERSION || !existsSync(join(pkg, 'agents', 'meshagent_x86-64'))) {
    mkdirSync(prefix, { recursive: true });
    if (!existsSync(join(prefix, 'package.json'))) writeFileSync(join(prefix, 'package.json'), '{ "private": true }\n');
    say(`installing meshcentral@${MESHCENTRAL_VERSION} into ${prefix} …`);
    try {
      await execFileP('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, `meshcentral@${MESHCENTRAL_VERSION}`], { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 });
    } catch (e) {
      throw new MeshCentralBenchError('install', String((e as { stderr?: string }).stderr ?? e).slice(-2000));
    }
  }
  if (!existsSync(join(pkg, 'agents', 'meshagent_x86-64'))) throw new MeshCentralBenchError('install', `${pkg}/agents/meshagent_x86-64 is missing`);
  return pkg;
}

// ---------------------------------------------------------------------------------------------
// control.ashx

const controlMessage = z.object({ action: z.string() }).passthrough();
type ControlMessage = z.infer<typeof controlMessage>;
const createMeshReply = z.object({ action: z.literal('createmesh'), result: z.string(), meshid: z.string().optional() });
const authCookieReply = z.object({ action: z.literal('authcookie'), cookie: z.string().min(1), rcookie: z.string().min(1) });
const nodesReply = z.object({
  action: z.literal('nodes'),
  nodes: z.record(z.string(), z.array(z.object({ _id: z.string(), conn: z.number().optional(), agent: z.object({ core: z.string().optional() }).passthrough().optional() }).passthrough())),
});

class Control {
  private readonly queue: ControlMessage[] = [];
  private waiters: (() => void)[] = [];
  private closed: Error | null = null;
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (d: Buffer) => {
      let m: ControlMessage;
      try {
        m = controlMessage.parse(JSON.parse(d.toString()));
      } catch {
        return; // not a control message we read
      }
      this.queue.push(m);
      if (this.queue.length > 500) this.queue.shift(); // events we never ask for
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on('close', (code, why) => {
      this.closed = new MeshCentralBenchError('control.ashx', `closed ${code} ${why.toString()}`);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async open(url: string, user: string, pass: string, tls: { ca: Buffer }): Promise<Control> {
    const ws = new WebSocket(url, {
      headers: { 'x-meshauth': `${Buffer.from(user).toString('base64')},${Buffer.from(pass).toString('base64')}` },
      ca: tls.ca, // this run's MeshCentral root: the server's certificate names 127.0.0.1
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', (e) => reject(new MeshCentralBenchError('control.ashx', String(e))));
      ws.once('unexpected-response', (_q, res) => reject(new MeshCentralBenchError('control.ashx', `HTTP ${res.statusCode}`)));
    });
    const c = new Control(ws);
    await c.next((m) => m.action === 'serverinfo', 30_000);
    return c;
  }

  send(m: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(m));
  }

  async next(pred: (m: ControlMessage) => boolean, timeoutMs: number): Promise<ControlMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.queue.findIndex(pred);
      if (i >= 0) return this.queue.splice(i, 1)[0]!;
      if (this.closed) throw this.closed;
      const left = deadline - Date.now();
      if (left <= 0) throw new MeshCentralBenchError('control.ashx', 'no answer in time');
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => (clearTimeout(t), r()));
      });
    }
  }

  close(): void {
    this.ws.close();
  }
}

function httpsGet(url: string, ca: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new MeshCentralBenchError('meshsettings', `HTTP ${res.statusCode}: ${body.slice(0, 200)}`))));
      })
      .on('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------
// KVM protocol (what the web viewer sends and reads)

const MNG_KVM_PICTURE = 3;
const MNG_KVM_COMPRESSION = 5;
const MNG_KVM_REFRESH = 6;
const MNG_KVM_SCREEN = 7;
const MNG_KVM_PAUSE = 8;
const MNG_KVM_INIT_TOUCH = 14;
const MNG_JUMBO = 27;
const MNG_KVM_INPUT_LOCK = 87;

const kvmCompression = (s: KvmSettings) => {
  const b = Buffer.alloc(10);
  b.writeUInt16BE(MNG_KVM_COMPRESSION, 0);
  b.writeUInt16BE(10, 2);
  b[4] = s.imageType;
  b[5] = s.quality;
  b.writeUInt16BE(s.scaling, 6);
  b.writeUInt16BE(s.frameTimerMs, 8);
  return b;
};
const kvmUnpause = () => Buffer.from([0, MNG_KVM_PAUSE, 0, 5, 0]);
const kvmInputLockQuery = () => Buffer.from([0, MNG_KVM_INPUT_LOCK, 0, 5, 2]);
const kvmInitTouch = () => Buffer.from([0, MNG_KVM_INIT_TOUCH, 0, 4]);
const kvmRefresh = () => Buffer.from([0, MNG_KVM_REFRESH, 0, 4]);

/** One KVM command from one relay message (the agent sends one command per message; large ones as MNG_JUMBO). */
function parseKvm(data: Buffer): { cmd: number; body: Buffer } | null {
  if (data.length < 4) return null;
  let cmd = data.readUInt16BE(0);
  let size = data.readUInt16BE(2);
  let view = data;
  if (cmd === MNG_JUMBO && size === 8 && data.length >= 12) {
    size = data.readUInt32BE(4);
    view = data.subarray(8);
    cmd = view.readUInt16BE(0);
  }
  if (size !== view.length) return null; // the web viewer would accumulate; the Linux agent never splits
  return { cmd, body: view };
}

const tileEncodingOf = (jpegOrWebp: Buffer) =>
  jpegOrWebp[0] === 0xff && jpegOrWebp[1] === 0xd8 ? 'jpeg' : jpegOrWebp.subarray(0, 4).toString('latin1') === 'RIFF' ? 'webp' : jpegOrWebp[0] === 0x89 ? 'png' : 'unknown';

// ---------------------------------------------------------------------------------------------
// server

export interface MeshCentralPeer {
  /** Starts the agent on `x`'s display, connects as the web viewer, counts for `seconds` after `warmupMs`. */
  measure(x: XDisplay, opts: { workload: string; seconds?: number; warmupMs?: number; settings?: Partial<KvmSettings>; onCountStart?: () => void; sourceChangesPerSecond?: () => number }): Promise<MeshCentralResult>;
  close(): Promise<void>;
}

export async function startMeshCentral(): Promise<MeshCentralPeer> {
  const pkg = await installMeshCentral();
  const main = join(pkg, 'meshcentral.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-bench-meshcentral-'));
  // The server's first start makes five RSA certificates in JavaScript (minutes on this loaded
  // machine): they are kept beside the package and copied into each run's fresh data folder.
  const certCache = join(dirname(dirname(pkg)), 'certificates');
  const certFile = (f: string) => /-cert-(public\.crt|private\.key)$/.test(f);
  if (existsSync(certCache)) for (const f of readdirSync(certCache).filter(certFile)) copyFileSync(join(certCache, f), join(dataDir, f));
  const kids = new Set<ChildProcess>();
  const killAll = () => {
    for (const k of kids) for (const p of k.pid ? descendantsOf(k.pid) : []) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        continue;
      }
    }
  };
  process.once('exit', killAll);
  const user = 'benchadmin';
  const pass = `Bench!${Math.random().toString(36).slice(2)}A1`;
  const base = ['--datapath', dataDir];
  let server: ChildProcess | null = null;
  let control: Control | null = null;
  const cleanup = async () => {
    control?.close();
    if (server) await killTree(server);
    process.removeListener('exit', killAll);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    for (const args of [['--createaccount', user, '--pass', pass], ['--adminaccount', user]]) {
      const { stdout } = await execFileP(process.execPath, [main, ...base, ...args], { timeout: 180_000, cwd: dataDir }).catch((e) => {
        throw new MeshCentralBenchError('account', String(e));
      });
      if (!stdout.includes('Done.')) throw new MeshCentralBenchError('account', stdout.slice(-500));
    }
    const port = await freePort();
    say(`server on 127.0.0.1:${port} (certificates: made on the first run, then cached) …`);
    server = spawn(process.execPath, [main, ...base, '--port', String(port), '--portbind', '127.0.0.1', '--redirport', '0', '--mpsport', '0', '--cert', '127.0.0.1', '--noagentupdate'], {
      cwd: dataDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    kids.add(server);
    let log = '';
    server.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const srv = server;
    const httpsPort = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new MeshCentralBenchError('server', `not up after 300 s: ${log.slice(-800)}`)), 300_000);
      srv.stdout!.on('data', (d: Buffer) => {
        log += d.toString();
        const m = /HTTPS server running on [^:\s]+:(\d+)/.exec(log);
        if (m) {
          clearTimeout(t);
          resolve(Number(m[1]));
        }
      });
      srv.once('exit', (code) => (clearTimeout(t), reject(new MeshCentralBenchError('server', `exited ${code}: ${log.slice(-800)}`))));
    });
    const ca = readFileSync(join(dataDir, 'root-cert-public.crt'));
    if (!existsSync(certCache)) {
      mkdirSync(certCache, { recursive: true });
      for (const f of readdirSync(dataDir).filter(certFile)) copyFileSync(join(dataDir, f), join(certCache, f));
    }
    const origin = `127.0.0.1:${httpsPort}`;
    control = await Control.open(`wss://${origin}/control.ashx`, user, pass, { ca });
    const ctl = control;
    ctl.send({ action: 'createmesh', meshname: 'passerelle-bench', meshtype: 2, desc: 'bench', responseid: 'bench-mesh' });
    const mesh = createMeshReply.parse(await ctl.next((m) => m.action === 'createmesh', 30_000));
    if (mesh.result !== 'ok' || !mesh.meshid) throw new MeshCentralBenchError('createmesh', mesh.result);
    const msh = (await httpsGet(`https://${origin}/meshsettings?id=${encodeURIComponent(mesh.meshid.split('/')[2]!)}`, ca))
      .split(/\r?\n/)
      .filter((l) => l && !l.startsWith('translation='))
      .join('\r\n');
    if (!/^MeshServer=wss:\/\/127\.0\.0\.1:\d+\/agent\.ashx$/m.test(msh)) throw new MeshCentralBenchError('meshsettings', msh.slice(0, 300));
    const seen = new Set<string>();
    const nodes = async () => {
      ctl.send({ action: 'nodes', responseid: 'bench-nodes' });
      const r = nodesReply.parse(await ctl.next((m) => m.action === 'nodes', 15_000));
      return Object.values(r.nodes).flat();
    };

    return {
      async measure(x, opts) {
        const settings: KvmSettings = { ...webViewerDefaults, ...opts.settings };
        const seconds = opts.seconds ?? 8;
        const warmupMs = opts.warmupMs ?? 3000;
        for (const n of await nodes()) seen.add(n._id);
        const agentDir = mkdtempSync(join(tmpdir(), 'passerelle-bench-meshagent-'));
        copyFileSync(join(pkg, 'agents', 'meshagent_x86-64'), join(agentDir, 'meshagent'));
        chmodSync(join(agentDir, 'meshagent'), 0o755);
        writeFileSync(join(agentDir, 'meshagent.msh'), `${msh}\r\n`);
        const agent = spawn('./meshagent', ['connect'], { cwd: agentDir, env: { ...process.env, DISPLAY: x.display }, stdio: ['ignore', 'ignore', 'ignore'] });
        kids.add(agent);
        let relay: WebSocket | null = null;
        let marker: XConnection | null = null;
        try {
          // The agent enrols (a new node: its own certificate in agentDir) and receives its core.
          let nodeid: string | null = null;
          const until = Date.now() + 90_000;
          while (!nodeid) {
            if (agent.exitCode !== null) throw new MeshCentralBenchError('agent', `exited with ${agent.exitCode}`);
            if (Date.now() > until) throw new MeshCentralBenchError('agent', 'did not connect within 90 s');
            const n = (await nodes()).find((v) => !seen.has(v._id) && ((v.conn ?? 0) & 1) === 1 && v.agent?.core);
            if (n) nodeid = n._id;
            else await sleep(500);
          }
          seen.add(nodeid);

          // A marker the KVM must show: proof it captures this display and not another Xvfb here.
          const mk = { x: x.width - 128, y: x.height - 128, size: 64, rgb: 0xff00ff };
          marker = await XConnection.open(x.display, { warn: () => undefined });
          const wid = marker.client.AllocID();
          marker.send('CreateWindow', wid, marker.root, mk.x, mk.y, mk.size, mk.size, 0, 0, 0, 0, { backgroundPixel: mk.rgb, overrideRedirect: 1 });
          marker.send('MapWindow', wid);
          await marker.sync(); // round trip: mapped before the KVM's first grab

          // The web viewer: authcookie, tunnel request to the agent, then the relay.
          ctl.send({ action: 'authcookie' });
          const cookies = authCookieReply.parse(await ctl.next((m) => m.action === 'authcookie', 15_000));
          const tunnelId = Math.random().toString(36).slice(2);
          ctl.send({ action: 'msg', type: 'tunnel', nodeid, usage: 2, value: `*/meshrelay.ashx?p=2&nodeid=${nodeid}&id=${tunnelId}&rauth=${cookies.rcookie}` });
          const r = new WebSocket(`wss://${origin}/meshrelay.ashx?browser=1&p=2&nodeid=${encodeURIComponent(nodeid)}&id=${tunnelId}&auth=${cookies.cookie}`, { ca });
          relay = r;
          let screen: { width: number; height: number } | null = null;
          let markerOk: boolean | null = null;
          let markerWhy = '';
          let encoding = 'unknown';
          let counting = false;
          let bytes = 0;
          let tiles = 0;
          let updates = 0;
          let last: { x: number; y: number; t: number } | null = null;
          let relayError: Error | null = null;
          const pending: Promise<void>[] = [];
          r.on('error', (e) => (relayError = new MeshCentralBenchError('meshrelay.ashx', String(e))));
          r.on('close', (code, why) => (relayError ??= new MeshCentralBenchError('meshrelay.ashx', `closed ${code} ${why.toString()}`)));
          r.on('message', (data: Buffer, isBinary: boolean) => {
            if (!isBinary) {
              const s = data.toString();
              if (s === 'c' || s === 'cr') {
                r.send(JSON.stringify({ type: 'options' })); // what agent-redir sends with no options set
                r.send('2'); // protocol: KVM
              }
              return; // control-channel JSON (metadata, rtt): not pictures
            }
            if (counting) bytes += data.length;
            const k = parseKvm(data);
            if (!k) return;
            if (k.cmd === MNG_KVM_SCREEN && k.body.length >= 8) {
              screen = { width: k.body.readUInt16BE(4), height: k.body.readUInt16BE(6) };
              r.send(kvmCompression(settings));
              r.send(kvmUnpause());
              r.send(kvmInputLockQuery());
              r.send(kvmInitTouch());
            } else if (k.cmd === MNG_KVM_PICTURE && k.body.length > 8) {
              const tx = k.body.readUInt16BE(4);
              const ty = k.body.readUInt16BE(6);
              const img = k.body.subarray(8);
              const now = performance.now();
              if (counting) {
                tiles++;
                const next = !last || ty < last.y || (ty === last.y && tx <= last.x) || now - last.t >= settings.frameTimerMs / 2;
                if (next) updates++;
              }
              last = { x: tx, y: ty, t: now };
              if (encoding === 'unknown') encoding = tileEncodingOf(img);
              const cx = mk.x + mk.size / 2;
              const cy = mk.y + mk.size / 2;
              if (markerOk === null && tx <= cx && ty <= cy && cx - tx < 4096 && cy - ty < 4096) {
                pending.push(
                  (async () => {
                    const { data: px, info } = await sharp(img).raw().toBuffer({ resolveWithObject: true });
                    if (cx >= tx + info.width || cy >= ty + info.height || markerOk !== null) return;
                    const o = ((cy - ty) * info.width + (cx - tx)) * info.channels;
                    const [R, G, B] = [px[o]!, px[o + 1]!, px[o + 2]!];
                    markerOk = R > 200 && G < 60 && B > 200;
                    markerWhy = `pixel at the marker is rgb(${R},${G},${B})`;
                  })().catch((e) => {
                    markerWhy = `tile does not decode: ${String(e)}`;
                  }),
                );
              }
            }
          });
          await new Promise<void>((resolve, reject) => {
            r.once('open', () => resolve());
            r.once('error', reject);
          });
          // First picture, and the marker in it.
          const firstBy = Date.now() + 60_000;
          let refreshed = 0;
          while (markerOk === null) {
            if (relayError) throw relayError;
            if (Date.now() > firstBy) throw new MeshCentralBenchError('kvm', `no picture with the marker within 60 s (screen ${JSON.stringify(screen)}; ${markerWhy || 'no tile covered it'})`);
            await sleep(250);
            await Promise.all(pending.splice(0));
            if (markerOk === null && screen && Date.now() > firstBy - 45_000 && refreshed++ % 20 === 0) r.send(kvmRefresh());
          }
          if (!markerOk) throw new MeshCentralBenchError('kvm', `the KVM is not showing display ${x.display}: ${markerWhy}`);
          const shown = screen as { width: number; height: number } | null;
          if (!shown || shown.width !== x.width || shown.height !== x.height) throw new MeshCentralBenchError('kvm', `screen ${JSON.stringify(shown)} is not ${x.width}x${x.height}`);
          marker.close(); // the marker window goes; its repaint falls in the warm-up
          marker = null;
          say(`${x.width}x${x.height} ${opts.workload}: KVM shows ${x.display} (${encoding} tiles); warm-up ${warmupMs} ms, then ${seconds} s …`);
          await sleep(warmupMs);

          const cpu0 = treeCpuMs(agent.pid!);
          const srv0 = treeCpuMs(srv.pid!);
          opts.onCountStart?.();
          const t0 = performance.now();
          last = null;
          counting = true;
          await sleep(seconds * 1000);
          counting = false;
          const elapsed = (performance.now() - t0) / 1000;
          const cpu = treeCpuMs(agent.pid!) - cpu0;
          const srvCpu = treeCpuMs(srv.pid!) - srv0;
          if (relayError) throw relayError;
          const result: MeshCentralResult = {
            bench: 'screen',
            peer: 'meshcentral',
            version: MESHCENTRAL_VERSION,
            workload: opts.workload,
            width: x.width,
            height: x.height,
            updatesPerSecond: +(updates / elapsed).toFixed(1),
            bytesPerSecond: Math.round(bytes / elapsed),
            agentCpuMsPerUpdate: updates ? +(cpu / updates).toFixed(2) : null,
            agentCpuPercent: +((cpu / (elapsed * 1000)) * 100).toFixed(1),
            serverCpuMsPerUpdate: updates ? +(srvCpu / updates).toFixed(2) : null,
            tilesPerUpdate: updates ? +(tiles / updates).toFixed(1) : null,
            sourceChangesPerSecond: opts.sourceChangesPerSecond?.() ?? null,
            seconds: +elapsed.toFixed(2),
            tileEncoding: encoding,
            settings,
            load: load(),
            note: 'MeshCentral agent KVM under the same Xvfb, through its server relay (meshrelay.ashx) to a Node client speaking the web viewer protocol; tiles counted, not decoded; an update = one raster pass of tiles; bytes = relay WebSocket payload; agent CPU = meshagent + its KVM child',
          };
          return result;
        } finally {
          relay?.close();
          marker?.close();
          await killTree(agent);
          kids.delete(agent);
          rmSync(agentDir, { recursive: true, force: true });
        }
      },
      async close() {
        await cleanup();
        kids.clear();
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// npm run bench:meshcentral

async function main(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 8);
  const warmupMs = Number(process.env.BENCH_WARMUP_MS ?? 3000);
  const resolutions = (process.env.BENCH_MC_RESOLUTIONS ?? '1920x1080,1280x800').split(',').map((r) => {
    const m = /^(\d+)x(\d+)$/.exec(r.trim());
    if (!m) throw new Error(`BENCH_MC_RESOLUTIONS: ${r} is not WxH`);
    return { width: Number(m[1]), height: Number(m[2]) };
  });
  const chosen = (process.env.BENCH_MC_WORKLOADS ?? 'scrolling,static').split(',') as Workload[];
  // The web viewer's settings unless overridden (e.g. BENCH_MC_FRAME_TIMER=20, the agent's floor).
  const num = (v: string | undefined) => (v === undefined ? undefined : z.coerce.number().int().min(1).max(5000).parse(v));
  const settings: Partial<KvmSettings> = Object.fromEntries(
    Object.entries({ imageType: num(process.env.BENCH_MC_IMAGE_TYPE), quality: num(process.env.BENCH_MC_QUALITY), scaling: num(process.env.BENCH_MC_SCALING), frameTimerMs: num(process.env.BENCH_MC_FRAME_TIMER) }).filter(([, v]) => v !== undefined),
  );
  const loadBefore = load();
  const peer = await startMeshCentral();
  const results: MeshCentralResult[] = [];
  try {
    for (const res of resolutions) {
      const x = await startXvfb(res);
      try {
        for (const w of chosen) {
          const running = await startWorkload(x, w);
          const changes = await changeCounter(x);
          try {
            const r = await peer.measure(x, { workload: w, seconds, warmupMs, settings, onCountStart: () => changes.reset(), sourceChangesPerSecond: () => changes.perSecond() });
            results.push(r);
            console.log(JSON.stringify(r));
          } finally {
            changes.close();
            await running.stop();
          }
        }
      } finally {
        await x.close();
      }
    }
  } finally {
    await peer.close();
  }
  console.log(
    JSON.stringify({
      bench: 'meshcentral',
      peer: 'meshcentral',
      version: MESHCENTRAL_VERSION,
      results: results.map((r) => ({ workload: r.workload, width: r.width, height: r.height, updatesPerSecond: r.updatesPerSecond, bytesPerSecond: r.bytesPerSecond, agentCpuMsPerUpdate: r.agentCpuMsPerUpdate, agentCpuPercent: r.agentCpuPercent })),
      load: { before: loadBefore, after: load() },
    }),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    () => process.exit(0),
    (e) => {
      say(String(e instanceof Error ? e.stack : e));
      process.exit(1);
    },
  );
}

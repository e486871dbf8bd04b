// npm run bench:screen — the screen pipeline end to end on Xvfb 1920×1080 with scripted workloads
// (static desktop, typing in an editor, scrolling xterm, full-screen video-like change), for each
// codec, through the built broker over TLS: the customer client's real screen tool in its own
// process (bench/screen-agent.ts) → broker (dist/cli.js) → console-core in a rep process that
// decodes every picture (bench/screen-viewer.ts). One JSON line per workload × codec: delivered
// fps, capture → decoded latency p50/p95, bytes/s, CPU ms per frame of agent and broker (and the
// load average at the time); then MeshCentral 1.1.55 (bench/meshcentral.ts: its server, Linux agent
// and KVM viewer protocol, installed into node_modules/.cache on demand) and x11vnc on the same
// display and workload, and a summary line with the ratios (ours / MeshCentral's).
// BENCH_MESHCENTRAL=0 skips MeshCentral; when it cannot be installed or started, the ratios are
// taken against x11vnc instead and the summary says why. BENCH_VNC=0 skips x11vnc (unless it is
// the fallback).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { benchApi, startBroker } from './support/broker.ts';
import { startXvfb } from '../test/support/x-display.ts';
import { changeCounter, measureGrab, startWorkload, workloads, type Workload } from './screen-workloads.ts';
import { vncCount } from './vnc-client.ts';
import { startMeshCentral, MESHCENTRAL_VERSION, type MeshCentralPeer, type MeshCentralResult } from './meshcentral.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 3000);
const codecs = (process.env.BENCH_CODECS ?? 'h264,vp9,tile').split(',') as ('h264' | 'vp9' | 'tile')[];
const chosen = (process.env.BENCH_WORKLOADS?.split(',') as Workload[] | undefined) ?? workloads;
const say = (s: string) => process.stderr.write(`[bench:screen] ${s}\n`);
type Msg = Record<string, any>;

/** CPU ms (user + system) a process has used so far, from /proc (100 Hz ticks). */
function cpuMs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);

/** A child whose stdout is JSON lines, read one at a time. */
function jsonChild(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; next(pred?: (m: Msg) => boolean): Promise<Msg> } {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: Msg[] = [];
  const waiters: (() => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    try {
      lines.push(JSON.parse(l) as Msg);
    } catch {
      return;
    }
    for (const w of waiters.splice(0)) w();
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
    for (const w of waiters.splice(0)) w();
  });
  const next = async (pred: (m: Msg) => boolean = () => true): Promise<Msg> => {
    for (;;) {
      const i = lines.findIndex(pred);
      if (i >= 0) return lines.splice(i, 1)[0]!;
      if (exited) throw new Error(`${args.join(' ')} exited`);
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  return { child, next };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function runVnc(display: string, workload: Workload, changes: Awaited<ReturnType<typeof changeCounter>>): Promise<Msg | null> {
  const port = await freePort();
  const vnc = spawn('x11vnc', ['-display', display, '-rfbport', String(port), '-localhost', '-nopw', '-forever', '-shared', '-quiet', '-noxrecord', '-nocursorshape'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  vnc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), r(true))).once('error', () => r(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    // x11vnc measures the link and arms XDAMAGE only seconds after a client connects (4 s under load).
    const counts = await vncCount(port, SECONDS * 1000, Math.max(WARMUP_MS, 6000), () => cpuMs(vnc.pid!), () => changes.reset());
    const sourceChanges = changes.perSecond();
    return {
      bench: 'screen',
      peer: 'x11vnc',
      workload,
      codec: counts.encoding,
      fps: +(counts.updates / counts.seconds).toFixed(1),
      source_changes_per_s: sourceChanges,
      p50_ms: null,
      p95_ms: null,
      bytes_per_s: Math.round(counts.bytes / counts.seconds),
      agent_cpu_ms_per_frame: counts.updates ? +(counts.cpuMs / counts.updates).toFixed(2) : null,
      agent_cpu_percent: +((counts.cpuMs / (counts.seconds * 1000)) * 100).toFixed(1),
      broker_cpu_ms_per_frame: null,
      load: load(),
      note: 'x11vnc 1920x1080, ZRLE + CopyRect, one incremental request outstanding; updates counted, not decoded; no broker in its path',
    };
  } catch (e) {
    say(`x11vnc: ${String(e)} ${err.slice(-300)}`);
    return null;
  } finally {
    // x11vnc catches SIGTERM and did not always exit (it tries to restore the display): then SIGKILL.
    const gone = new Promise((r) => vnc.once('exit', r));
    vnc.kill('SIGTERM');
    if (!(await Promise.race([gone.then(() => true), new Promise((r) => setTimeout(() => r(false), 1500))]))) vnc.kill('SIGKILL');
  }
}

/** MeshCentral's figures in this bench's shape (an update counted as a frame). */
function meshRow(r: MeshCentralResult): Msg {
  return {
    bench: 'screen',
    peer: 'meshcentral',
    workload: r.workload,
    codec: `kvm ${r.tileEncoding} tiles, q${r.settings.quality}, ${r.settings.frameTimerMs} ms timer`,
    version: r.version,
    fps: r.updatesPerSecond,
    source_changes_per_s: r.sourceChangesPerSecond,
    p50_ms: null,
    p95_ms: null,
    bytes_per_s: r.bytesPerSecond,
    agent_cpu_ms_per_frame: r.agentCpuMsPerUpdate,
    agent_cpu_percent: r.agentCpuPercent,
    broker_cpu_ms_per_frame: r.serverCpuMsPerUpdate,
    tiles_per_update: r.tilesPerUpdate,
    load: r.load,
    note: r.note,
  };
}

const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-bench-screen-'));
const x = await startXvfb({ width: 1920, height: 1080 });
const started = await startBroker({ dataDir, nodeArgs: [] });
const { child: broker, url, pin, ca } = started;
const kids: ChildProcess[] = [broker];
const results: Msg[] = [];
const find = (w: string, peer: string, codec?: string) => results.find((r) => r.workload === w && r.peer === peer && (!codec || r.codec === codec));
// MeshCentral starts (install cached, server, account, device group) while our side sets up.
let meshcentral: MeshCentralPeer | null = null;
let meshUnavailable: string | null = process.env.BENCH_MESHCENTRAL === '0' ? 'skipped (BENCH_MESHCENTRAL=0)' : null;
const meshStarting =
  meshUnavailable === null
    ? startMeshCentral().then(
        (m) => (meshcentral = m),
        (e) => {
          meshUnavailable = `could not be installed or started: ${String(e instanceof Error ? e.message : e).slice(0, 300)}`;
          return null;
        },
      )
    : Promise.resolve(null);
try {
  const grab = await measureGrab(x);
  say(`capture: ${grab.method}, full-screen grab ${grab.fullGrabMs.toFixed(1)} ms`);
  const api = await benchApi(started);
  const { call } = api;
  const admin = { token: api.admin };
  const rep = await call('/api/v1/users', { username: 'screenrep', displayName: 'Screen Rep', password: 'Bench!Passw0rd', permissions: { promptAttended: 'never', screenSharing: true } }, admin.token);
  await api.close();

  const viewer = jsonChild(process.execPath, ['--import', 'tsx', 'bench/screen-viewer.ts'], { VIEWER: JSON.stringify({ url, certificate: ca, username: 'screenrep', password: 'Bench!Passw0rd' }) });
  kids.push(viewer.child);
  // The customer joins the rep's personal queue, which refuses while the rep is offline.
  await viewer.next((m) => 'online' in m);
  const agent = jsonChild(process.execPath, ['--import', 'tsx', 'bench/screen-agent.ts', url, pin, String(rep.id)], { DISPLAY: x.display });
  kids.push(agent.child);
  await agent.next((m) => 'welcomed' in m);
  await viewer.next((m) => 'ready' in m);
  say('customer joined, screen_view granted');

  await meshStarting;
  if (meshUnavailable) say(`MeshCentral ${meshUnavailable}; ratios against x11vnc`);
  const changes = await changeCounter(x);
  for (const w of chosen) {
    const running = await startWorkload(x, w);
    await new Promise((r) => setTimeout(r, 700));
    try {
      for (const codec of codecs) {
        say(`${w} / ${codec} …`);
        viewer.child.stdin!.write(`${JSON.stringify({ codec, seconds: SECONDS, warmupMs: WARMUP_MS, settle: w === 'static' })}\n`);
        await viewer.next((m) => m.phase === 'start');
        changes.reset();
        const a0 = cpuMs(agent.child.pid!);
        const b0 = cpuMs(broker.pid!);
        const end = await viewer.next((m) => m.phase === 'end');
        const sourceChanges = changes.perSecond();
        const agentCpu = cpuMs(agent.child.pid!) - a0;
        const brokerCpu = cpuMs(broker.pid!) - b0;
        const r = {
          bench: 'screen',
          peer: 'passerelle',
          workload: w,
          codec,
          fps: end.fps,
          // How often the workload changed the screen meanwhile (an X client apart from the pipeline).
          source_changes_per_s: sourceChanges,
          p50_ms: end.p50_ms,
          p95_ms: end.p95_ms,
          bytes_per_s: end.bytes_per_s,
          agent_cpu_ms_per_frame: end.pictures ? +(agentCpu / end.pictures).toFixed(2) : null,
          agent_cpu_percent: +((agentCpu / (end.seconds * 1000)) * 100).toFixed(1),
          broker_cpu_ms_per_frame: end.pictures ? +(brokerCpu / end.pictures).toFixed(2) : null,
          broker_cpu_percent: +((brokerCpu / (end.seconds * 1000)) * 100).toFixed(1),
          viewer_cpu_ms_per_frame: end.viewer_cpu_ms_per_frame,
          pictures: end.pictures,
          key_frames: end.key_frames,
          refines: end.refines,
          decode_errors: end.decode_errors,
          load: load(),
        };
        results.push(r);
        console.log(JSON.stringify(r));
        await new Promise((res) => setTimeout(res, 300));
      }
      const mc = meshcentral as MeshCentralPeer | null; // set by meshStarting, which TypeScript does not follow
      if (mc) {
        say(`${w} / meshcentral ${MESHCENTRAL_VERSION} …`);
        try {
          const m = meshRow(await mc.measure(x, { workload: w, seconds: SECONDS, warmupMs: WARMUP_MS, onCountStart: () => changes.reset(), sourceChangesPerSecond: () => changes.perSecond() }));
          results.push(m);
          console.log(JSON.stringify(m));
        } catch (e) {
          say(`meshcentral ${w}: ${String(e)}`);
          meshUnavailable ??= `failed to measure ${w}: ${String(e instanceof Error ? e.message : e).slice(0, 300)}`;
        }
      }
      if (process.env.BENCH_VNC !== '0' || !find(w, 'meshcentral')) {
        say(`${w} / x11vnc …`);
        const v = await runVnc(x.display, w, changes);
        if (v) {
          results.push(v);
          console.log(JSON.stringify(v));
        }
      }
    } finally {
      await running.stop();
    }
  }
  changes.close();
  viewer.child.stdin!.write(`${JSON.stringify({ quit: true })}\n`);
  const ratio = (w: string, codec: string, key: string, peer = 'x11vnc') => {
    const a = find(w, 'passerelle', codec);
    const b = find(w, peer);
    return a && b && Number(b[key]) > 0 ? +(Number(a[key]) / Number(b[key])).toFixed(2) : null;
  };
  const ratios = (peer: string) =>
    Object.fromEntries(
      chosen.map((w) => [
        w,
        Object.fromEntries(codecs.map((c) => [c, { fps: ratio(w, c, 'fps', peer), bytes_per_s: ratio(w, c, 'bytes_per_s', peer), cpu_percent: ratio(w, c, 'agent_cpu_percent', peer), cpu_ms_per_frame: ratio(w, c, 'agent_cpu_ms_per_frame', peer) }])),
      ]),
    );
  const meshMeasured = chosen.some((w) => find(w, 'meshcentral'));
  const scroll = Object.fromEntries(codecs.map((c) => [c, find('scrolling', 'passerelle', c)]));
  const stat = Object.fromEntries(codecs.map((c) => [c, find('static', 'passerelle', c)]));
  const targets = Object.fromEntries(
    codecs.map((c) => [
      c,
      {
        scrolling: scroll[c] ? { fps_60: scroll[c].fps >= 60, bytes_2_2M: scroll[c].bytes_per_s <= 2.2e6, p95_30ms: scroll[c].p95_ms <= 30 } : null,
        static: stat[c] ? { bytes_5K: stat[c].bytes_per_s <= 5000, cpu_2pct: stat[c].agent_cpu_percent <= 2 } : null,
      },
    ]),
  );
  console.log(
    JSON.stringify({
      bench: 'screen',
      summary: true,
      capture: grab.method,
      full_grab_ms: +grab.fullGrabMs.toFixed(1),
      path: 'agent process → built broker (TLS, loopback) → console-core rep process decoding with node-av',
      targets,
      // Ratios are ours / theirs: fps (their updates per s), bytes per s, agent CPU % and CPU ms per picture.
      compared_with: meshMeasured ? `meshcentral ${MESHCENTRAL_VERSION}` : `x11vnc (MeshCentral ${meshUnavailable ?? 'not measured'})`,
      vs_meshcentral: meshMeasured ? ratios('meshcentral') : null,
      meshcentral: meshMeasured ? (meshUnavailable ?? `${MESHCENTRAL_VERSION}, same run, same display and workload`) : `not measured: ${meshUnavailable ?? 'unknown'}`,
      vs_x11vnc: chosen.some((w) => find(w, 'x11vnc')) ? ratios('x11vnc') : null,
      load: load(),
      results: results.length,
    }),
  );
} finally {
  await meshStarting;
  await (meshcentral as MeshCentralPeer | null)?.close();
  for (const k of kids.reverse()) k.kill('SIGTERM');
  await x.close();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);

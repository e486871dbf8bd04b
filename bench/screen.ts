// npm run bench:screen — the screen pipeline on Xvfb 1920×1080 with scripted workloads, for each
// codec: the agent (its own process: capture → encoder) → a channel with back-pressure → a viewer
// that decodes every picture. One JSON line per workload and codec: delivered fps, capture →
// decoded latency p50/p95, bytes/s, agent CPU ms per frame; then x11vnc on the same display and
// workloads (MeshCentral's agent cannot be installed here), and the ratios.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { createScreenDecoder, type ScreenDecoder } from '../src/codec/index.ts';
import { TileDecoder } from '../src/codec/tile-decoder.ts';
import { decodeScreenMessage } from '../src/protocol/screen.ts';
import { startXvfb } from '../test/support/x-display.ts';
import { measureGrab, startWorkload, workloads, type Workload } from './screen-workloads.ts';
import { vncCount } from './vnc-client.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const codecs = (process.env.BENCH_CODECS ?? 'h264,vp9,tile').split(',') as ('h264' | 'vp9' | 'tile')[];
const say = (s: string) => process.stderr.write(`${s}\n`);

function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function runCodec(display: string, codec: 'h264' | 'vp9' | 'tile', workload: Workload) {
  const agent = spawn(process.execPath, ['--import', 'tsx', 'bench/screen-agent.ts', display, codec], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  agent.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let decoder: ScreenDecoder = createScreenDecoder(codec);
  let pending = Buffer.alloc(0);
  const latencies: number[] = [];
  let pictures = 0;
  let bytes = 0;
  let measuring = false;
  let viewerCpu = 0;
  let last: { width: number; height: number; rgba: Buffer } | null = null;
  const queue: Buffer[] = [];
  let busy = false;
  const drain = async () => {
    if (busy) return;
    busy = true;
    while (queue.length) {
      const payload = queue.shift()!;
      const c0 = process.cpuUsage();
      try {
        const m = decodeScreenMessage(payload);
        if (m.type === 'info') {
          decoder.close();
          decoder = createScreenDecoder(m.info.codec);
        } else if (m.type === 'video' || m.type === 'tiles') {
          if (m.type === 'tiles' && codec !== 'tile' && last) {
            const td = new TileDecoder();
            td.setPicture(last);
            last = await td.decode(m);
          } else last = await decoder.decode(m);
          if (measuring) {
            pictures++;
            bytes += payload.length;
            latencies.push(Date.now() - m.captureTime);
          }
        } else if (measuring) bytes += payload.length;
      } catch (err) {
        say(`viewer: ${String(err)}`);
      }
      const c = process.cpuUsage(c0);
      if (measuring) viewerCpu += (c.user + c.system) / 1000;
    }
    busy = false;
  };
  agent.stdout.on('data', (d: Buffer) => {
    pending = Buffer.concat([pending, d]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32BE(0)) {
      const n = pending.readUInt32BE(0);
      queue.push(Buffer.from(pending.subarray(4, 4 + n)));
      pending = pending.subarray(4 + n);
    }
    void drain();
  });
  await new Promise((r) => setTimeout(r, 1500)); // start-up and the first key frame
  const cpuStart = await procCpuMs(agent.pid!);
  measuring = true;
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  measuring = false;
  const elapsed = (Date.now() - t0) / 1000;
  const cpuEnd = await procCpuMs(agent.pid!);
  agent.stdin.end('stop\n');
  await new Promise((r) => agent.once('exit', r));
  if (!/AGENT-STATS/.test(stderr)) say(`agent stderr: ${stderr.slice(-400)}`);
  const agentCpuMs = cpuEnd - cpuStart;
  return {
    bench: 'screen',
    peer: 'passerelle',
    workload,
    codec,
    fps: +(pictures / elapsed).toFixed(1),
    p50_ms: percentile(latencies, 50),
    p95_ms: percentile(latencies, 95),
    bytes_per_s: Math.round(bytes / elapsed),
    agent_cpu_ms_per_frame: pictures ? +(agentCpuMs / pictures).toFixed(2) : 0,
    agent_cpu_percent: +((agentCpuMs / (elapsed * 1000)) * 100).toFixed(1),
    viewer_cpu_ms_per_frame: pictures ? +(viewerCpu / pictures).toFixed(2) : 0,
    broker: 'not in path (in-process pipe; the channel layer had not landed)',
  };
}

async function procCpuMs(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  try {
    const f = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime+stime in clock ticks (100 Hz)
  } catch {
    return 0;
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

async function runVnc(display: string, workload: Workload) {
  const port = await freePort();
  const vnc = spawn('x11vnc', ['-display', display, '-rfbport', String(port), '-localhost', '-nopw', '-forever', '-shared', '-quiet', '-noxrecord', '-nocursorshape'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  vnc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((r) => net.connect(port, '127.0.0.1').once('connect', function (this: net.Socket) { this.destroy(); r(true); }).once('error', () => r(false)));
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    const c0 = await procCpuMs(vnc.pid!);
    const t0 = Date.now();
    const counts = await vncCount(port, SECONDS * 1000);
    const elapsed = (Date.now() - t0) / 1000;
    const cpu = (await procCpuMs(vnc.pid!)) - c0;
    return {
      bench: 'screen',
      peer: 'x11vnc',
      workload,
      codec: 'zrle',
      fps: +(counts.updates / elapsed).toFixed(1),
      bytes_per_s: Math.round(counts.bytes / elapsed),
      agent_cpu_ms_per_frame: counts.updates ? +(cpu / counts.updates).toFixed(2) : 0,
      agent_cpu_percent: +((cpu / (elapsed * 1000)) * 100).toFixed(1),
    };
  } catch (e) {
    say(`x11vnc: ${String(e)} ${err.slice(-300)}`);
    return null;
  } finally {
    vnc.kill('SIGTERM');
  }
}

const x = await startXvfb({ width: 1920, height: 1080 });
const results: Record<string, unknown>[] = [];
try {
  const grab = await measureGrab(x);
  say(`capture: ${grab.method}, grab with nothing damaged ${grab.fullGrabMs.toFixed(1)} ms`);
  for (const w of (process.env.BENCH_WORKLOADS?.split(',') as Workload[] | undefined) ?? workloads) {
    const running = await startWorkload(x, w);
    await new Promise((r) => setTimeout(r, 700));
    try {
      for (const codec of codecs) {
        say(`${w} / ${codec} …`);
        const r = await runCodec(x.display, codec, w);
        results.push(r);
        console.log(JSON.stringify(r));
      }
      if (process.env.BENCH_VNC !== '0') {
        const v = await runVnc(x.display, w);
        if (v) {
          results.push(v);
          console.log(JSON.stringify(v));
        }
      }
    } finally {
      await running.stop();
    }
  }
  const ratio = (w: string, codec: string, key: 'fps' | 'bytes_per_s') => {
    const a = results.find((r) => r.workload === w && r.codec === codec && r.peer === 'passerelle');
    const b = results.find((r) => r.workload === w && r.peer === 'x11vnc');
    return a && b && Number(b[key]) > 0 ? +(Number(a[key]) / Number(b[key])).toFixed(2) : null;
  };
  console.log(
    JSON.stringify({
      bench: 'screen',
      summary: true,
      capture: grab.method,
      idle_grab_ms: +grab.fullGrabMs.toFixed(1),
      scrolling_h264_fps_vs_x11vnc: ratio('scrolling', 'h264', 'fps'),
      scrolling_h264_bytes_vs_x11vnc: ratio('scrolling', 'h264', 'bytes_per_s'),
      scrolling_tile_fps_vs_x11vnc: ratio('scrolling', 'tile', 'fps'),
      meshcentral: 'not installed (its Linux agent comes from a running MeshCentral server; no network for it here): x11vnc measured instead',
      results: results.length,
    }),
  );
} finally {
  await x.close();
}

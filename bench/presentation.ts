// bench:presentation — one 1080p presentation fanned out to N attendees (default 200) on loopback.
// The frames come from a real encoder (ffmpeg's libvpx VP8, 1080p, 30 fps, a key frame every 2 s),
// recorded once into a cache file and replayed by the presenter at 30 fps; on a key frame request
// it jumps to the next recorded key frame, as a live encoder would make one. The broker runs in its
// own process (its CPU and bytes written are read from /proc). Attendees are customer-core's
// AttendeeClient over real TLS sockets; one of them is throttled (it takes a frame every 500 ms).
// Prints progress on stderr and one JSON line on stdout.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { attendee, presenter } from '../test/support/presentations.ts';

const N = Number(process.env.BENCH_PRESENTATION_ATTENDEES ?? 200);
const MEASURE_S = Number(process.env.BENCH_PRESENTATION_SECONDS ?? 10);
const FPS = 30;
const log = (...a: unknown[]) => console.error('[bench:presentation]', ...a);

/** IVF (VP8) frames: 32-byte file header, then per frame a 12-byte header (size, pts) and the data. */
function recordedFrames(): { data: Uint8Array; key: boolean }[] {
  const dir = join(tmpdir(), 'passerelle-bench-cache');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'presentation-1080p-vp8.ivf');
  if (!existsSync(file)) {
    log('recording 1080p VP8 frames with ffmpeg (once)…');
    const r = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=${FPS}`, '-t', '10', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '4M', '-g', String(FPS * 2), '-f', 'ivf', '-y', `${file}.part`], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('ffmpeg failed');
    renameSync(`${file}.part`, file);
  }
  const b = readFileSync(file);
  const frames: { data: Uint8Array; key: boolean }[] = [];
  for (let off = b.readUInt16LE(6); off + 12 <= b.length; ) {
    const size = b.readUInt32LE(off);
    const data = new Uint8Array(b.subarray(off + 12, off + 12 + size));
    // VP8: bit 0 of the first byte is 0 on a key frame.
    frames.push({ data, key: (data[0]! & 1) === 0 });
    off += 12 + size;
  }
  return frames;
}

function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}
const written = (pid: number) => Number(/wchar:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))![1]);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

const frames = recordedFrames();
const keyIdx = frames.flatMap((f, i) => (f.key ? [i] : []));
log(`${frames.length} frames, ${keyIdx.length} key frames, mean ${Math.round(frames.reduce((n, f) => n + f.data.length, 0) / frames.length / 1024)} KiB`);

const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-bench-pres-'));
const child = spawn(process.execPath, ['--import', 'tsx', 'bench/presentation-broker.ts', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
const broker = await new Promise<{ url: string; certificate: string }>((resolve, reject) => {
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
    if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!));
  });
  child.once('exit', (c) => reject(new Error(`broker exited ${c}`)));
});
const pid = child.pid!;
const cleanup: (() => void)[] = [];
try {
  const dispatcher = new Agent({ connect: { ca: broker.certificate } });
  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${broker.url}${path}`, { method: 'POST', dispatcher, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  let r = await post('/api/v1/auth/login', { username: 'admin', password: 'password', client: 'desktop' });
  const { token } = (await r.json()) as { token: string };
  r = await post('/api/v1/me/password', { currentPassword: 'password', newPassword: 'Bench!Passw0rd' }, token);
  if (r.status !== 200) throw new Error(`password change: ${r.status}`);

  // The presenter: replays the recording at 30 fps, newest wins, key frames on request.
  const p = presenter(broker, token);
  cleanup.push(() => p.dispose());
  const info = await p.start({ name: 'Bench 1080p', listed: true, format: { codec: 'vp8', width: 1920, height: 1080 } });
  let idx = 0;
  let wantKey = false;
  let hooked: object | null = null;
  const timer = setInterval(() => {
    const ch = p.channel;
    if (!ch) return;
    if (hooked !== ch) {
      hooked = ch;
      ch.onKeyFrameRequest(() => (wantKey = true));
    }
    if (wantKey) {
      wantKey = false;
      idx = keyIdx.find((k) => k >= idx) ?? 0;
    }
    const f = frames[idx]!;
    idx = (idx + 1) % frames.length;
    ch.writeLatest(f.data, { key: f.key });
  }, 1000 / FPS);
  cleanup.push(() => clearInterval(timer));

  // Attendees join all at once; each counts its frames; one is throttled.
  log(`joining ${N} attendees…`);
  const stats = Array.from({ length: N }, () => ({ joinAt: 0, firstAt: 0, frames: 0 }));
  const clients = Array.from({ length: N }, () => attendee(broker));
  cleanup.push(() => clients.forEach((c) => c.drop()));
  const THROTTLED = 0;
  await Promise.all(
    clients.map(async (c, i) => {
      stats[i]!.joinAt = performance.now();
      c.onFrame(async () => {
        const s = stats[i]!;
        if (!s.firstAt) s.firstAt = performance.now();
        s.frames++;
        if (i === THROTTLED) await new Promise((res) => setTimeout(res, 500));
      });
      await c.join({ key: info.key }, `Attendee ${i}`);
    }),
  );
  const waitStart = performance.now();
  while (stats.some((s) => !s.firstAt) && performance.now() - waitStart < 30_000) await new Promise((res) => setTimeout(res, 50));
  const joinToFirst = stats.filter((s) => s.firstAt).map((s) => s.firstAt - s.joinAt);
  log(`all joined; first frames at ${joinToFirst.length}/${N}; measuring ${MEASURE_S} s…`);

  const before = stats.map((s) => s.frames);
  const cpu0 = cpuSeconds(pid);
  const w0 = written(pid);
  const t0 = performance.now();
  await new Promise((res) => setTimeout(res, MEASURE_S * 1000));
  const secs = (performance.now() - t0) / 1000;
  const cpu = (cpuSeconds(pid) - cpu0) / secs;
  const bytesOut = (written(pid) - w0) / secs;
  const fps = stats.map((s, i) => (s.frames - before[i]!) / secs);
  const others = fps.filter((_, i) => i !== THROTTLED);
  const result = {
    bench: 'presentation',
    attendees: N,
    resolution: '1920x1080',
    codec: 'vp8 (ffmpeg libvpx, recorded)',
    presenter_fps: FPS,
    broker_cpu_percent: Math.round(cpu * 1000) / 10,
    broker_bytes_out_per_s: Math.round(bytesOut),
    join_to_first_frame_p50_ms: Math.round(pct(joinToFirst, 50)),
    join_to_first_frame_p95_ms: Math.round(pct(joinToFirst, 95)),
    first_frames: `${joinToFirst.length}/${N}`,
    throttled_attendee_fps: Math.round(fps[THROTTLED]! * 10) / 10,
    slowest_other_attendee_fps: Math.round(Math.min(...others) * 10) / 10,
    median_attendee_fps: Math.round(pct(others, 50) * 10) / 10,
    targets: { join_to_first_frame_p95_ms: 1000, throttled_slows_nobody: 'slowest other ≈ median' },
    load_average: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
  for (const c of cleanup.reverse()) c();
  cleanup.length = 0;
  await dispatcher.close();
  console.log(JSON.stringify(result));
} finally {
  for (const c of cleanup.reverse()) c();
  child.kill('SIGTERM');
  await new Promise((res) => child.once('exit', res));
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);

// bench:presentation — one 1080p presentation fanned out to N attendees (default 200) on loopback.
// The frames come from a real encoder (ffmpeg's libvpx VP8, 1080p, 30 fps, a key frame every 2 s),
// recorded once into a cache file and replayed by the presenter at 30 fps; on a key frame request
// it jumps to the next recorded key frame, as a live encoder would make one. The broker runs in its
// own process (its CPU and bytes written are read from /proc). Attendees are customer-core's
// AttendeeClient over real TLS sockets, shared out among BENCH_PRESENTATION_WORKERS (default 4)
// worker processes (bench/presentation-attendees.ts); one of them is throttled (it takes a frame
// every 500 ms). Every attendee has its own TLS context and makes a full handshake (BENCH_PRESENTATION_TLS=resume:
// it resumes the TLS session of a portal page it loaded first, as a browser does).
// Prints progress on stderr and one JSON line on stdout.
import { fork, spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { generateSelfSigned } from '../src/broker/self-signed-certificate.ts';
import { presenter } from '../test/support/presentations.ts';
import { socketOpenCost } from './presentation-tls.ts';

const N = Number(process.env.BENCH_PRESENTATION_ATTENDEES ?? 200);
const MEASURE_S = Number(process.env.BENCH_PRESENTATION_SECONDS ?? 10);
/** Attendee worker processes (the attendees are shared out among them). */
const WORKERS = Math.max(1, Number(process.env.BENCH_PRESENTATION_WORKERS ?? 4));
/** Niceness of the attendee processes (default 0, as the broker). Niced, they yield the CPU to the broker, but also to anything else on the machine, and then their own frame rates drop. */
const ATTENDEE_NICE = Math.min(19, Math.max(0, Number(process.env.BENCH_PRESENTATION_ATTENDEE_NICE ?? 0)));

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'joined'; cpuS: number; resumed: number; joinToFirst: (number | null)[]; joinAnswer: number[]; socketOpen: number[] }
  | { type: 'counts'; frames: number[] }
  | { type: 'error'; message: string };
/**
 * BENCH_PRESENTATION_TLS: 'full' (default): every attendee's socket makes a full TLS handshake
 * (certificate signed by the broker, checked by the attendee). 'resume': each attendee first loads
 * the portal page (not timed: it is there before the user clicks join) and its WebSocket resumes
 * that page's TLS session with the ticket the broker gave it, as a browser does.
 */
const TLS_MODE = process.env.BENCH_PRESENTATION_TLS === 'resume' ? 'resume' : 'full';
const FPS = 30;
const OPEN_COST_SOCKETS = 100;
/** BENCH_PRESENTATION_CPU_PROF_DIR: the broker and attendee processes write V8 CPU profiles there (--cpu-prof). */
const PROF = process.env.BENCH_PRESENTATION_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PRESENTATION_CPU_PROF_DIR}`] : [];
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
/** The broker's main thread: seconds on a CPU and seconds waiting in the run queue for one (/proc/PID/schedstat). */
function schedSeconds(pid: number): { run: number; wait: number } {
  const [run, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
  return { run: run! / 1e9, wait: wait! / 1e9 };
}
const written = (pid: number) => Number(/wchar:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))![1]);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

const frames = recordedFrames();
const keyIdx = frames.flatMap((f, i) => (f.key ? [i] : []));
log(`${frames.length} frames, ${keyIdx.length} key frames, mean ${Math.round(frames.reduce((n, f) => n + f.data.length, 0) / frames.length / 1024)} KiB`);

const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-bench-pres-'));
// BENCH_PRESENTATION_CERT_KEY=rsa-2048: the broker serves an RSA-2048 certificate, as one made by an
// earlier version (kept on upgrade); by default it makes its own, as a new broker does (ECDSA P-256).
if (process.env.BENCH_PRESENTATION_CERT_KEY === 'rsa-2048') {
  const pems = generateSelfSigned({ commonName: 'localhost', altNames: ['localhost', '127.0.0.1'], days: 30, keyType: 'rsa-2048' });
  mkdirSync(join(dataDir, 'tls'), { recursive: true });
  writeFileSync(join(dataDir, 'tls', 'cert.pem'), pems.cert);
  writeFileSync(join(dataDir, 'tls', 'key.pem'), pems.key, { mode: 0o600 });
}
const child = spawn(process.execPath, [...PROF, '--import', 'tsx', 'bench/presentation-broker.ts', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
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

  // Before the presentation: the CPU one attendee socket's opening (TCP, TLS, WebSocket upgrade)
  // costs the broker and the client, sockets opened one at a time.
  const openCost = await socketOpenCost(broker.url, broker.certificate, TLS_MODE, OPEN_COST_SOCKETS, () => cpuSeconds(pid));
  log(`socket open, one at a time: broker ${openCost.broker_ms} ms CPU, client ${openCost.client_ms} ms CPU each (${openCost.resumed}/${OPEN_COST_SOCKETS} resumed)`);

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

  // Attendees join all at once, spread over worker processes; each counts its frames; one is throttled.
  log(`joining ${N} attendees from ${WORKERS} worker processes…`);
  const THROTTLED = 0;
  const workers = await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      const w = fork('bench/presentation-attendees.ts', [], { execArgv: [...PROF, '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      // The attendees stand for 200 other computers: on this machine they yield the CPU to the broker.
      if (ATTENDEE_NICE) setPriority(w.pid!, ATTENDEE_NICE);
      const inbox: ((m: WorkerMessage) => void)[] = [];
      w.on('message', (m: WorkerMessage) => {
        if (m.type === 'error') log(`worker ${w.pid}: ${m.message}`);
        inbox.shift()?.(m);
      });
      const next = () => new Promise<WorkerMessage>((res, rej) => {
        inbox.push(res);
        w.once('exit', (c) => rej(new Error(`attendee worker exited ${c}`)));
      });
      await next();
      return { w, next };
    }),
  );
  cleanup.push(() => workers.forEach(({ w }) => w.connected && w.send({ type: 'stop' })));
  const shares = workers.map((_, k) => Math.floor(N / WORKERS) + (k < N % WORKERS ? 1 : 0));
  const joinT0 = performance.now();
  const sched0 = schedSeconds(pid);
  const brokerCpu0 = cpuSeconds(pid);
  const joined = await Promise.all(
    workers.map(({ w, next }, k) => {
      const from = shares.slice(0, k).reduce((a, b) => a + b, 0);
      const reply = next();
      w.send({ type: 'join', broker, key: info.key, from, count: shares[k], throttled: [THROTTLED], throttleMs: 500, firstFrameWaitMs: 30_000, tls: TLS_MODE });
      return reply;
    }),
  );
  // How long the join phase took, and how much of it the broker's main thread ran or waited for a CPU.
  const sched1 = schedSeconds(pid);
  const joinPhase = { wall: (performance.now() - joinT0) / 1000, run: sched1.run - sched0.run, wait: sched1.wait - sched0.wait, brokerCpu: cpuSeconds(pid) - brokerCpu0 };
  // CPU the attendee processes spent from their first join to their last first frame (handshakes,
  // upgrades, joins, and the frames that already flow to those who joined first).
  const attendeeCpu = joined.reduce((n, m) => n + (m.type === 'joined' ? m.cpuS : 0), 0);
  const firsts = joined.flatMap((m) => (m.type === 'joined' ? m.joinToFirst : []));
  const joinToFirst = firsts.filter((x): x is number => x !== null);
  // The part of it spent before the broker answered the join (TLS, WebSocket upgrade, join message).
  const joinAnswer = joined.flatMap((m) => (m.type === 'joined' ? m.joinAnswer : []));
  // …of which the socket's opening (TCP, TLS handshake, WebSocket upgrade).
  const socketOpen = joined.flatMap((m) => (m.type === 'joined' ? m.socketOpen : []));
  // The broker's own part: from the open socket to the first frame (join, key frame request, fan-out).
  const openToFirst = firsts.flatMap((x, i) => (x === null ? [] : [x - socketOpen[i]!]));
  log(`all joined; first frames at ${joinToFirst.length}/${N}; measuring ${MEASURE_S} s…`);
  const counts = async () => (await Promise.all(workers.map(({ w, next }) => {
    const reply = next();
    w.send({ type: 'count' });
    return reply;
  }))).flatMap((m) => (m.type === 'counts' ? m.frames : []));

  const before = await counts();
  const cpu0 = cpuSeconds(pid);
  const w0 = written(pid);
  const t0 = performance.now();
  await new Promise((res) => setTimeout(res, MEASURE_S * 1000));
  const after = await counts();
  const secs = (performance.now() - t0) / 1000;
  const cpu = (cpuSeconds(pid) - cpu0) / secs;
  const bytesOut = (written(pid) - w0) / secs;
  const fps = after.map((n, i) => (n - before[i]!) / secs);
  const others = fps.filter((_, i) => i !== THROTTLED);
  const result = {
    bench: 'presentation',
    attendees: N,
    attendee_processes: WORKERS,
    attendee_nice: ATTENDEE_NICE,
    resolution: '1920x1080',
    codec: 'vp8 (ffmpeg libvpx, recorded)',
    presenter_fps: FPS,
    broker_cpu_percent: Math.round(cpu * 1000) / 10,
    broker_bytes_out_per_s: Math.round(bytesOut),
    join_to_first_frame_p50_ms: Math.round(pct(joinToFirst, 50)),
    join_to_first_frame_p95_ms: Math.round(pct(joinToFirst, 95)),
    join_answered_p50_ms: Math.round(pct(joinAnswer, 50)),
    join_answered_p95_ms: Math.round(pct(joinAnswer, 95)),
    socket_open_p50_ms: Math.round(pct(socketOpen, 50)),
    socket_open_p95_ms: Math.round(pct(socketOpen, 95)),
    open_to_first_frame_p50_ms: Math.round(pct(openToFirst, 50)),
    open_to_first_frame_p95_ms: Math.round(pct(openToFirst, 95)),
    first_frames: `${joinToFirst.length}/${N}`,
    join_phase_s: Math.round(joinPhase.wall * 100) / 100,
    join_phase_broker_main_thread_cpu_s: Math.round(joinPhase.run * 100) / 100,
    join_phase_broker_main_thread_runqueue_wait_s: Math.round(joinPhase.wait * 100) / 100,
    // Load-insensitive: CPU per attendee joined (broker process, all threads; the attendee processes).
    join_phase_broker_cpu_ms_per_attendee: Math.round((joinPhase.brokerCpu * 1000 * 100) / N) / 100,
    join_phase_attendee_cpu_ms_per_attendee: Math.round((attendeeCpu * 1000 * 100) / N) / 100,
    attendee_tls: TLS_MODE,
    // Load-insensitive: CPU per attendee socket opened (TCP, TLS, upgrade), sockets opened one at a time before the presentation.
    socket_open_broker_cpu_ms: openCost.broker_ms,
    socket_open_client_cpu_ms: openCost.client_ms,
    attendee_sockets_resumed: `${joined.reduce((n, m) => n + (m.type === 'joined' ? m.resumed : 0), 0)}/${N}`,
    certificate_key: (() => {
      const k = new X509Certificate(broker.certificate).publicKey;
      return k.asymmetricKeyType === 'ec' ? `ec ${k.asymmetricKeyDetails?.namedCurve}` : `${k.asymmetricKeyType} ${k.asymmetricKeyDetails?.modulusLength}`;
    })(),
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

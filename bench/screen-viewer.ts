// The rep's side of `npm run bench:screen`, in its own process: console-core (as the desktop
// console runs it) accepts the bench customer, gets screen_view, and for each order on stdin
// (`{"codec":"h264","seconds":6,"warmupMs":3000,"settle":false}`; settle: wait for the
// stream to rest before measuring, for the static desktop) opens a screen channel through the broker and
// decodes every picture with node-av (FFmpeg's H.264/VP9 decoders, the ones Chromium uses too; tile
// frames with sharp), granting credit only once a picture is decoded, as the console's viewer does.
// Prints `{"phase":"start"}` when measuring begins and the figures when it ends.
import { createInterface } from 'node:readline';
import { ScreenCompositor } from '../src/codec/index.ts';
import { decodeScreenMessage, type ScreenCodecId } from '../src/protocol/screen.ts';
import { repCore, waitForQueue } from '../test/support/channels.ts';

const o = JSON.parse(process.env.VIEWER!) as { url: string; certificate: string; username: string; password: string };
const out = (x: unknown) => process.stdout.write(`${JSON.stringify(x)}\n`);
const say = (s: string) => process.stderr.write(`[viewer] ${s}\n`);

function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

const { core, close } = await repCore({ url: o.url, certificate: o.certificate }, o.username, o.password);
out({ online: true });
const q = await waitForQueue(core, (s) => s.length > 0, 'the bench customer', 60_000);
const lsid = q[0]!.lsid;
await core.sessions.accept(lsid);
await core.sessions.requestPermission(lsid, 'screen_view');
await waitForQueue(core, (s) => s.find((x) => x.lsid === lsid)?.grants.includes('screen_view') === true, 'screen_view', 30_000);
out({ ready: lsid });

async function measure(codec: ScreenCodecId, seconds: number, warmupMs: number, settle: boolean) {
  const ch = await core.channels.open(lsid, 'screen', { codec, monitor: 0, quality: 'balanced' });
  // Drawn as the console's canvas is: video over its changed rects, the sharpening pass's tiles in place.
  let view = new ScreenCompositor(codec);
  let measuring = false;
  let lastPictureAt = 0;
  const m = { pictures: 0, keyFrames: 0, refines: 0, bytes: 0, latencies: [] as number[], cpuMs: 0, errors: 0 };
  ch.onMessage(async (msg) => {
    const c0 = process.cpuUsage();
    try {
      const s = decodeScreenMessage(msg.payload);
      if (s.type === 'info') {
        view.close();
        view = new ScreenCompositor(s.info.codec);
      } else if (s.type === 'video' || s.type === 'tiles') {
        if (s.type === 'tiles' && codec !== 'tile') {
          // The sharpening pass over a video picture.
          if (view.picture) await view.apply(s);
          if (measuring) m.refines++;
        } else await view.apply(s);
        lastPictureAt = Date.now();
        if (measuring) {
          m.pictures++;
          if (s.key) m.keyFrames++;
          m.latencies.push(Date.now() - s.captureTime);
        }
      }
    } catch (err) {
      m.errors++;
      say(String(err));
    }
    if (measuring) {
      m.bytes += msg.payload.length;
      const c = process.cpuUsage(c0);
      m.cpuMs += (c.user + c.system) / 1000;
    }
  });
  await new Promise((r) => setTimeout(r, warmupMs));
  // A screen at rest is measured at rest: past the first key frame and its sharpening pass.
  for (let i = 0; settle && i < 40 && Date.now() - lastPictureAt < 1000; i++) await new Promise((r) => setTimeout(r, 250));
  out({ phase: 'start' });
  measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const elapsed = (performance.now() - t0) / 1000;
  ch.close('bench_done');
  view.close();
  out({
    phase: 'end',
    seconds: +elapsed.toFixed(2),
    pictures: m.pictures,
    key_frames: m.keyFrames,
    refines: m.refines,
    fps: +(m.pictures / elapsed).toFixed(1),
    p50_ms: percentile(m.latencies, 50),
    p95_ms: percentile(m.latencies, 95),
    bytes_per_s: Math.round(m.bytes / elapsed),
    viewer_cpu_ms_per_frame: m.pictures ? +(m.cpuMs / m.pictures).toFixed(2) : 0,
    decode_errors: m.errors,
  });
}

const rl = createInterface({ input: process.stdin });
for await (const line of rl) {
  if (!line.trim()) continue;
  const order = JSON.parse(line) as { codec: ScreenCodecId; seconds: number; warmupMs: number; settle?: boolean } | { quit: true };
  if ('quit' in order) break;
  await measure(order.codec, order.seconds, order.warmupMs, order.settle === true);
}
await close();
process.exit(0);

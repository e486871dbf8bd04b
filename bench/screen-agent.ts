// The agent side of `npm run bench:screen`, in its own process so its CPU is measured apart from
// the viewer's: the real screen tool on a real X display, its channel carried over stdout
// (length-prefixed messages; a write waits for the pipe to drain, which is the back-pressure).
import { X11ScreenCapture } from '../src/endpoint/platform/linux-x11/capture.ts';
import { createScreenHandler } from '../src/endpoint/tools/screen.ts';

const [display, codec, quality = 'balanced'] = process.argv.slice(2);
let resolveClosed!: (r: string) => void;
const closed = new Promise<string>((r) => (resolveClosed = r));
const cpu0 = process.cpuUsage();
let frames = 0;
let bytes = 0;
const out = process.stdout;

const ch = {
  kind: 'screen',
  meta: { codec, quality, monitor: 0 },
  async write(payload: Uint8Array): Promise<void> {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(payload.length);
    frames++;
    bytes += payload.length;
    const ok = out.write(Buffer.concat([head, payload]));
    if (!ok) await new Promise((r) => out.once('drain', r));
  },
  [Symbol.asyncIterator]: () => ({ next: () => closed.then(() => ({ value: undefined, done: true as const })) }),
  close: (r?: string) => resolveClosed(r ?? 'closed'),
  closed,
};

process.stdin.on('data', () => resolveClosed('bench_done'));
process.stdin.on('end', () => resolveClosed('bench_done'));
const handler = createScreenHandler({ openCapture: () => X11ScreenCapture.open(display!, { warn: (o, m) => process.stderr.write(`${m} ${JSON.stringify(o)}\n`) }) });
await handler(ch, { filesRoot: '/tmp', report: () => undefined, warn: (m) => process.stderr.write(`${m}\n`) });
const cpu = process.cpuUsage(cpu0);
process.stderr.write(`AGENT-STATS ${JSON.stringify({ frames, bytes, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
process.exit(0);

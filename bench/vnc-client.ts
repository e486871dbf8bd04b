// A minimal RFB (VNC) client for the bench's x11vnc comparison: handshake (3.8, no auth), ZRLE +
// CopyRect (+ Raw), one incremental FramebufferUpdateRequest outstanding at a time, as viewers do.
// It parses every server message by its framing (ZRLE rects carry their length) and counts whole
// FramebufferUpdates and bytes without decoding pixels.
import net from 'node:net';

export interface VncCounts {
  updates: number;
  bytes: number;
  seconds: number;
  cpuMs: number;
  encoding: string;
}

const ENC_RAW = 0;
const ENC_COPYRECT = 1;
const ENC_ZRLE = 16;

/** Connects, warms up for `warmupMs`, then counts updates for `ms`; `cpu()` samples the server's CPU ms. */
export async function vncCount(port: number, ms: number, warmupMs: number, cpu: () => number, onStart: () => void = () => undefined): Promise<VncCounts> {
  const sock = net.connect(port, '127.0.0.1');
  sock.setNoDelay(true);
  let buf = Buffer.alloc(0);
  let total = 0;
  let wake: (() => void) | null = null;
  let failed: Error | null = null;
  sock.on('data', (d) => {
    total += d.length;
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    const w = wake;
    wake = null;
    w?.();
  });
  sock.on('error', (e) => {
    failed = e;
    wake?.();
  });
  await new Promise<void>((r, j) => {
    sock.once('connect', () => r());
    sock.once('error', j);
  });
  /** Waits for n bytes and takes them. */
  const read = async (n: number): Promise<Buffer> => {
    while (buf.length < n) {
      if (failed) throw failed;
      await new Promise<void>((r) => (wake = r));
    }
    const out = buf.subarray(0, n);
    buf = buf.subarray(n);
    return out;
  };
  await read(12);
  sock.write('RFB 003.008\n');
  const nTypes = (await read(1))[0]!;
  if (nTypes === 0) throw new Error('VNC server refused the connection');
  const types = [...(await read(nTypes))];
  if (!types.includes(1)) throw new Error(`x11vnc wants authentication (${types})`);
  sock.write(Buffer.from([1]));
  if ((await read(4)).readUInt32BE(0) !== 0) throw new Error('VNC security failed');
  sock.write(Buffer.from([1])); // shared
  const init = await read(24);
  const width = init.readUInt16BE(0);
  const height = init.readUInt16BE(2);
  const bpp = init[4]! / 8;
  await read(init.readUInt32BE(20));
  const enc = Buffer.alloc(4 + 12);
  enc.writeUInt8(2, 0);
  enc.writeUInt16BE(3, 2);
  enc.writeInt32BE(ENC_ZRLE, 4);
  enc.writeInt32BE(ENC_COPYRECT, 8);
  enc.writeInt32BE(ENC_RAW, 12);
  sock.write(enc);
  const request = (incremental: number) => {
    const r = Buffer.alloc(10);
    r.writeUInt8(3, 0);
    r.writeUInt8(incremental, 1);
    r.writeUInt16BE(width, 6);
    r.writeUInt16BE(height, 8);
    sock.write(r);
  };
  const seen = new Set<string>();
  /** Reads server messages up to and including one FramebufferUpdate. */
  const readUpdate = async (): Promise<void> => {
    for (;;) {
      const type = (await read(1))[0]!;
      if (type === 0) break;
      if (type === 2) continue; // bell
      if (type === 3) {
        const h = await read(7);
        await read(h.readUInt32BE(3));
        continue;
      }
      if (type === 1) {
        const h = await read(5);
        await read(h.readUInt16BE(3) * 6);
        continue;
      }
      throw new Error(`unexpected RFB message ${type}`);
    }
    const n = (await read(3)).readUInt16BE(1);
    for (let i = 0; i < n; i++) {
      const r = await read(12);
      const w = r.readUInt16BE(4);
      const h = r.readUInt16BE(6);
      const encoding = r.readInt32BE(8);
      if (encoding === ENC_ZRLE) {
        seen.add('zrle');
        await read((await read(4)).readUInt32BE(0));
      } else if (encoding === ENC_COPYRECT) {
        seen.add('copyrect');
        await read(4);
      } else if (encoding === ENC_RAW) {
        seen.add('raw');
        await read(w * h * bpp);
      } else if (encoding === -223) {
        // DesktopSize: no payload.
      } else throw new Error(`unexpected encoding ${encoding}`);
    }
  };
  // The first, full picture and the warm-up are not counted.
  request(0);
  await readUpdate();
  const warmEnd = Date.now() + warmupMs;
  let counting = false;
  let updates = 0;
  let start = 0;
  let cpu0 = 0;
  let t0 = 0;
  let pending: Promise<void> | null = null;
  for (;;) {
    if (!counting && Date.now() >= warmEnd) {
      counting = true;
      t0 = Date.now();
      start = total - buf.length;
      cpu0 = cpu();
      onStart();
    }
    const phaseEnd = counting ? t0 + ms : warmEnd;
    if (counting && Date.now() >= phaseEnd) break;
    if (!pending) {
      request(1);
      pending = readUpdate();
    }
    // An idle screen gets no answer: wait at most to the end of the phase, the request stays out.
    let timer: NodeJS.Timeout | undefined;
    const got = await Promise.race([pending.then(() => 'update' as const), new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), Math.max(0, phaseEnd - Date.now()) + 1)))]);
    clearTimeout(timer);
    if (got === 'update') {
      pending = null;
      if (counting) updates++;
    }
  }
  const seconds = (Date.now() - t0) / 1000;
  const cpuMs = cpu() - cpu0;
  const bytes = total - buf.length - start;
  sock.destroy();
  return { updates, bytes, seconds, cpuMs, encoding: [...seen].join('+') || 'zrle' };
}

// A minimal RFB (VNC) client for the bench's x11vnc comparison: handshake (3.8, no auth), ZRLE +
// CopyRect, incremental update requests back to back; counts updates and bytes without decoding
// (ZRLE rects carry their length, so they can be skipped).
import net from 'node:net';

export interface VncCounts {
  updates: number;
  bytes: number;
}

export async function vncCount(port: number, ms: number): Promise<VncCounts> {
  const sock = net.connect(port, '127.0.0.1');
  let buf = Buffer.alloc(0);
  let waiting: { n: number; resolve: (b: Buffer) => void } | null = null;
  let total = 0;
  sock.on('data', (d) => {
    total += d.length;
    buf = Buffer.concat([buf, d]);
    pump();
  });
  const pump = () => {
    if (waiting && buf.length >= waiting.n) {
      const w = waiting;
      waiting = null;
      const out = buf.subarray(0, w.n);
      buf = buf.subarray(w.n);
      w.resolve(out);
    }
  };
  const read = (n: number) =>
    new Promise<Buffer>((resolve) => {
      waiting = { n, resolve };
      pump();
    });
  await new Promise<void>((r, j) => {
    sock.once('connect', () => r());
    sock.once('error', j);
  });
  await read(12);
  sock.write('RFB 003.008\n');
  const nTypes = (await read(1))[0]!;
  const types = [...(await read(nTypes))];
  if (!types.includes(1)) throw new Error(`x11vnc wants authentication (${types})`);
  sock.write(Buffer.from([1]));
  const result = (await read(4)).readUInt32BE(0);
  if (result !== 0) throw new Error('VNC security failed');
  sock.write(Buffer.from([1])); // shared
  const init = await read(24);
  const width = init.readUInt16BE(0);
  const height = init.readUInt16BE(2);
  const nameLen = init.readUInt32BE(20);
  await read(nameLen);
  const enc = Buffer.alloc(4 + 8);
  enc.writeUInt8(2, 0);
  enc.writeUInt16BE(2, 2);
  enc.writeInt32BE(16, 4); // ZRLE
  enc.writeInt32BE(1, 8); // CopyRect
  sock.write(enc);
  const request = (incremental: number) => {
    const r = Buffer.alloc(10);
    r.writeUInt8(3, 0);
    r.writeUInt8(incremental, 1);
    r.writeUInt16BE(width, 6);
    r.writeUInt16BE(height, 8);
    sock.write(r);
  };
  request(0);
  await readUpdate(); // the first, full picture is not counted
  const start = total;
  const t0 = Date.now();
  let updates = 0;
  while (Date.now() - t0 < ms) {
    request(1);
    const ok = await Promise.race([readUpdate().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms - (Date.now() - t0) + 10))]);
    if (!ok) break;
    updates++;
  }
  const bytes = total - start;
  sock.destroy();
  return { updates, bytes };

  async function readUpdate(): Promise<void> {
    for (;;) {
      const type = (await read(1))[0]!;
      if (type === 0) break;
      if (type === 2) continue; // bell
      if (type === 3) {
        const h = await read(7);
        await read(h.readUInt32BE(3));
        continue;
      }
      throw new Error(`unexpected RFB message ${type}`);
    }
    const head = await read(3);
    const n = head.readUInt16BE(1);
    for (let i = 0; i < n; i++) {
      const r = await read(12);
      const encoding = r.readInt32BE(8);
      if (encoding === 16) await read((await read(4)).readUInt32BE(0));
      else if (encoding === 1) await read(4);
      else if (encoding === 0) await read(r.readUInt16BE(4) * r.readUInt16BE(6) * 4);
      else if (encoding === -223 || encoding === -239) {
        // DesktopSize / Cursor pseudo-encodings are not requested; nothing to skip for DesktopSize.
        if (encoding === -239) await read(r.readUInt16BE(4) * r.readUInt16BE(6) * 4 + Math.floor((r.readUInt16BE(4) + 7) / 8) * r.readUInt16BE(6));
      } else throw new Error(`unexpected encoding ${encoding}`);
    }
  }
}

// RandR 1.5 monitors (GetMonitors / SetMonitor / DeleteMonitor), which npm `x11` (RandR 1.3) lacks:
// raw requests on its connection. Falls back to one monitor covering the screen.
import type { MonitorInfo } from '../../../protocol/screen.ts';
import type { XConnection } from './x11-connection.ts';

interface RandrExt {
  majorOpcode: number;
  QueryVersion(major: number, minor: number, cb: (err: unknown, v: [number, number]) => void): void;
  SelectInput(win: number, mask: number): void;
}
interface RawClient {
  seq_num: number;
  pack_stream: { put(b: Buffer): void; flush(): void };
  replies: Record<number, [(buf: Buffer, opt: number) => unknown, (err: unknown, v: unknown) => void]>;
}

export class RandrMonitors {
  private constructor(
    private readonly conn: XConnection,
    private readonly randr: RandrExt,
    readonly has15: boolean,
  ) {}

  static async open(conn: XConnection): Promise<RandrMonitors | null> {
    let randr: RandrExt;
    try {
      randr = await conn.ext<RandrExt>('randr');
    } catch {
      return null;
    }
    const v = await new Promise<[number, number]>((resolve, reject) => randr.QueryVersion(1, 5, (e, r) => (e ? reject(e) : resolve(r))));
    return new RandrMonitors(conn, randr, v[0] > 1 || (v[0] === 1 && v[1] >= 5));
  }

  /** RRScreenChangeNotify | CrtcChange | OutputChange | OutputProperty | ResourceChange. */
  selectChanges(): void {
    this.randr.SelectInput(this.conn.root, 0x1 | 0x2 | 0x4 | 0x8 | 0x40);
  }

  get firstEvent(): number {
    return (this.randr as unknown as { firstEvent: number }).firstEvent;
  }

  private raw(): RawClient {
    return this.conn.client as unknown as RawClient;
  }

  async getMonitors(screenW: number, screenH: number): Promise<MonitorInfo[]> {
    if (!this.has15) return [{ index: 0, name: 'screen', x: 0, y: 0, width: screenW, height: screenH, primary: true }];
    const X = this.raw();
    const list = await new Promise<{ name: number; primary: boolean; x: number; y: number; width: number; height: number }[]>((resolve, reject) => {
      X.seq_num++;
      const b = Buffer.alloc(12);
      b.writeUInt8(this.randr.majorOpcode, 0);
      b.writeUInt8(42, 1);
      b.writeUInt16LE(3, 2);
      b.writeUInt32LE(this.conn.root, 4);
      b.writeUInt8(1, 8); // active monitors only
      X.pack_stream.put(b);
      X.replies[X.seq_num] = [
        (buf) => {
          const n = buf.readUInt32LE(4);
          const out = [];
          let p = 24;
          for (let i = 0; i < n && p + 24 <= buf.length; i++) {
            const nOutput = buf.readUInt16LE(p + 6);
            out.push({ name: buf.readUInt32LE(p), primary: buf[p + 4] === 1, x: buf.readInt16LE(p + 8), y: buf.readInt16LE(p + 10), width: buf.readUInt16LE(p + 12), height: buf.readUInt16LE(p + 14) });
            p += 24 + 4 * nOutput;
          }
          return out;
        },
        (err, v) => (err ? reject(err) : resolve(v as never)),
      ];
      X.pack_stream.flush();
    });
    const names = await Promise.all(list.map((m) => this.conn.call<string>('GetAtomName', m.name).catch(() => `monitor-${m.name}`)));
    // Sorted left to right, then top to bottom, so index 0 is the leftmost monitor.
    const sorted = list.map((m, i) => ({ ...m, name: String(names[i]).slice(0, 64) })).filter((m) => m.width > 0 && m.height > 0);
    sorted.sort((a, b) => a.x - b.x || a.y - b.y);
    const clipped = sorted
      .map((m) => {
        const x = Math.max(0, m.x);
        const y = Math.max(0, m.y);
        return { ...m, x, y, width: Math.min(screenW, m.x + m.width) - x, height: Math.min(screenH, m.y + m.height) - y };
      })
      .filter((m) => m.width > 0 && m.height > 0)
      .slice(0, 16);
    if (clipped.length === 0) return [{ index: 0, name: 'screen', x: 0, y: 0, width: screenW, height: screenH, primary: true }];
    return clipped.map((m, index) => ({ index, ...m }));
  }

  /** Declares a monitor (tests, and a way to split a wide Xvfb screen); it lives as long as this connection. */
  setMonitor(nameAtom: number, r: { x: number; y: number; width: number; height: number }): void {
    const X = this.raw();
    X.seq_num++;
    const b = Buffer.alloc(32);
    b.writeUInt8(this.randr.majorOpcode, 0);
    b.writeUInt8(43, 1);
    b.writeUInt16LE(8, 2);
    b.writeUInt32LE(this.conn.root, 4);
    b.writeUInt32LE(nameAtom, 8);
    b.writeInt16LE(r.x, 16);
    b.writeInt16LE(r.y, 18);
    b.writeUInt16LE(r.width, 20);
    b.writeUInt16LE(r.height, 22);
    b.writeUInt32LE(Math.round(r.width / 3.78), 24);
    b.writeUInt32LE(Math.round(r.height / 3.78), 28);
    X.pack_stream.put(b);
    X.pack_stream.flush();
  }

  deleteMonitor(nameAtom: number): void {
    const X = this.raw();
    X.seq_num++;
    const b = Buffer.alloc(12);
    b.writeUInt8(this.randr.majorOpcode, 0);
    b.writeUInt8(44, 1);
    b.writeUInt16LE(3, 2);
    b.writeUInt32LE(this.conn.root, 4);
    b.writeUInt32LE(nameAtom, 8);
    X.pack_stream.put(b);
    X.pack_stream.flush();
  }
}

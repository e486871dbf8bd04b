// Scripted workloads on an X display for `npm run bench:screen`: static desktop, typing in an
// editor, a scrolling xterm, and a full-screen video-like change.
import type { ChildProcess } from 'node:child_process';
import { X11ScreenCapture } from '../src/endpoint/platform/linux-x11/capture.ts';
import { XConnection } from '../src/endpoint/platform/linux-x11/x11-connection.ts';
import { waitForWindow, type XDisplay } from '../test/support/x-display.ts';

export type Workload = 'static' | 'typing' | 'scrolling' | 'video';
export const workloads: Workload[] = ['static', 'typing', 'scrolling', 'video'];

export interface Running {
  stop(): Promise<void>;
}

const scroller = `$|=1; my $i=0; while (1) { print "line ", $i++, " lorem ipsum dolor sit amet, consectetur adipiscing elit ", "=" x ($i % 70), "\\n"; select(undef, undef, undef, 0.01) }`;

export async function startWorkload(x: XDisplay, w: Workload): Promise<Running> {
  const kids: ChildProcess[] = [];
  let timer: NodeJS.Timeout | null = null;
  let conn: XConnection | null = null;
  const name = `bench-${w}-${process.pid}`;
  if (w === 'static' || w === 'typing') {
    // xterm ignores synthetic (XSendEvent) keys unless allowSendEvents is set: xdotool --window uses them.
    kids.push(x.spawn('xterm', ['-geometry', '120x40+50+50', '-xrm', 'XTerm*allowSendEvents: true', '-T', name, '-e', 'sh -c "cat > /dev/null"']));
    await waitForWindow(x, `^${name}$`);
    if (w === 'typing') {
      const wid = await waitForWindow(x, `^${name}$`);
      kids.push(x.spawn('sh', ['-c', `while :; do xdotool type --window ${wid} --delay 40 'The quick brown fox jumps over the lazy dog. '; done >/dev/null 2>&1`]));
    }
  } else if (w === 'scrolling') {
    kids.push(x.spawn('xterm', ['-geometry', '200x70+0+0', '-T', name, '-e', `perl -e '${scroller}'`]));
    await waitForWindow(x, `^${name}$`);
  } else {
    // Full-screen blocks whose colours change 30 times a second (X core drawing, cheap to produce).
    conn = await XConnection.open(x.display, { warn: () => undefined });
    const c = conn;
    const root = c.root;
    const wid = c.client.AllocID();
    c.send('CreateWindow', wid, root, 0, 0, x.width, x.height, 0, 0, 0, 0, { backgroundPixel: 0, overrideRedirect: 1 });
    c.send('MapWindow', wid);
    const gc = c.client.AllocID();
    c.send('CreateGC', gc, wid, { foreground: 0 });
    let t = 0;
    timer = setInterval(() => {
      t++;
      for (let by = 0; by < 18; by++) {
        for (let bx = 0; bx < 32; bx++) {
          const r = (bx * 8 + t * 5) & 255;
          const g = (by * 14 + t * 3) & 255;
          const b = ((bx + by) * 6 + t * 7) & 255;
          c.send('ChangeGC', gc, { foreground: (r << 16) | (g << 8) | b });
          c.send('PolyFillRectangle', wid, gc, [bx * 60, by * 60, 60, 60]);
        }
      }
    }, 33);
  }
  return {
    async stop() {
      if (timer) clearInterval(timer);
      conn?.close();
      // SIGKILL: a shell loop waiting on its xdotool child ignores SIGTERM and lived on.
      for (const k of kids) k.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 200));
    },
  };
}

/**
 * How often the workload changes the screen, counted apart from the pipeline: a separate X client
 * takes the XDamage region as soon as it is notified (re-arming it) and counts the notifications
 * more than 3 ms apart (one redraw of the xterm can be several requests). Delivered fps is read
 * against this: a pipeline cannot deliver more distinct pictures than the screen has.
 */
export async function changeCounter(x: XDisplay): Promise<{ reset(): void; perSecond(): number; close(): void }> {
  const c = await XConnection.open(x.display, { warn: () => undefined });
  const damage = await c.ext<{ ReportLevel: { NonEmpty: number }; Create(id: number, drawable: number, level: number): void; Subtract(id: number, repair: number, parts: number): void }>('damage');
  const id = c.client.AllocID();
  damage.Create(id, c.root, damage.ReportLevel.NonEmpty);
  let bursts = 0;
  let last = -Infinity;
  let t0 = performance.now();
  c.onEvent((ev) => {
    if (ev.name !== 'DamageNotify') return;
    damage.Subtract(id, 0, 0);
    const now = performance.now();
    if (now - last > 3) bursts++;
    last = now;
  });
  return {
    reset() {
      bursts = 0;
      t0 = performance.now();
    },
    perSecond: () => +((bursts * 1000) / (performance.now() - t0)).toFixed(1),
    close: () => c.close(),
  };
}

/** Raw capture figures for the report: SHM grab of the whole screen. */
export async function measureGrab(x: XDisplay): Promise<{ method: string; fullGrabMs: number }> {
  const cap = await X11ScreenCapture.open(x.display, { warn: () => undefined });
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) await cap.grab({ x: 0, y: 0, width: x.width, height: x.height }, true);
  const ms = (performance.now() - t0) / 20;
  const method = cap.method;
  cap.close();
  return { method, fullGrabMs: ms };
}

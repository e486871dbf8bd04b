import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { X11ScreenCapture } from '../../src/endpoint/platform/linux-x11/capture.ts';
import { RandrMonitors } from '../../src/endpoint/platform/linux-x11/randr-monitors.ts';
import { XConnection } from '../../src/endpoint/platform/linux-x11/x11-connection.ts';
import { startXvfb, waitForWindow, type XDisplay } from '../support/x-display.ts';

const log = { warn: (o: object, m: string) => console.error(m, o) };

/** The pixel at (x, y) of a BGRA buffer, as [r, g, b]. */
function px(buf: Buffer, width: number, x: number, y: number): [number, number, number] {
  const p = (y * width + x) * 4;
  return [buf[p + 2]!, buf[p + 1]!, buf[p]!];
}

describe('X11 screen capture on a real Xvfb (DAMAGE, MIT-SHM, RandR, XFIXES)', () => {
  let x: XDisplay;
  let cap: X11ScreenCapture;

  before(async () => {
    x = await startXvfb({ width: 1920, height: 1080 });
    cap = await X11ScreenCapture.open(x.display, log);
  });
  after(async () => {
    cap?.close();
    await x?.close();
  });

  it('CON-4: reads the whole screen through MIT-SHM, and a window that appears shows in the pixels with its damage', async () => {
    assert.equal(cap.method, 'mit-shm');
    assert.deepEqual(cap.layout.monitors.map((m) => [m.x, m.y, m.width, m.height]), [[0, 0, 1920, 1080]]);
    const full = await cap.grab({ x: 0, y: 0, width: 1920, height: 1080 }, true);
    assert.ok(full);
    assert.equal(full.data.length, 1920 * 1080 * 4);
    const damaged = new Promise<void>((resolve) => {
      const off = cap.onDamage(() => {
        off();
        resolve();
      });
    });
    x.spawn('xterm', ['-geometry', '80x24+100+100', '-bg', 'rgb:ff/00/00', '-fg', 'white', '-T', 'capture-red', '-e', 'sleep 60']);
    await waitForWindow(x, '^capture-red$');
    await damaged;
    // The window may be mapped before it is painted: grab until its background shows.
    let frame = null;
    for (let i = 0; i < 200; i++) {
      frame = await cap.grab({ x: 0, y: 0, width: 1920, height: 1080 });
      if (frame && px(frame.data, 1920, 110, 300)[0] === 255) break;
      await new Promise<void>((r) => cap.onDamage(() => r()));
    }
    assert.ok(frame, 'a frame after damage');
    assert.deepEqual(px(frame.data, 1920, 110, 300), [255, 0, 0], 'xterm background read');
    assert.ok(frame.damage && frame.damage.length > 0 && frame.damage.every((d) => d.x >= 0 && d.x + d.width <= 1920));
  });

  it('CON-4: an unchanged screen gives no frame (nothing read), a region grab is relative to the region', async () => {
    // Drain what is pending, then nothing more changes.
    await cap.grab({ x: 0, y: 0, width: 1920, height: 1080 });
    assert.equal(await cap.grab({ x: 0, y: 0, width: 1920, height: 1080 }), null);
    const region = await cap.grab({ x: 100, y: 100, width: 200, height: 300 }, true);
    assert.ok(region);
    assert.equal(region.width, 200);
    assert.deepEqual(px(region.data, 200, 10, 200), [255, 0, 0]);
  });

  it('CON-4: RandR monitors declared while capturing are followed (two monitors, then one removed)', async () => {
    const other = await XConnection.open(x.display, log);
    try {
      const randr = await RandrMonitors.open(other);
      assert.ok(randr?.has15, 'RandR 1.5');
      const left = await other.internAtom('PASSERELLE-LEFT');
      const right = await other.internAtom('PASSERELLE-RIGHT');
      const changed = (pred: (n: string[]) => boolean) =>
        new Promise<string[]>((resolve) => {
          const check = (names: string[]) => pred(names) && (off(), resolve(names));
          const off = cap.onLayout((l) => check(l.monitors.map((m) => `${m.name}@${m.x}`)));
        });
      const two = changed((n) => n.includes('PASSERELLE-LEFT@0') && n.includes('PASSERELLE-RIGHT@960'));
      randr!.setMonitor(left, { x: 0, y: 0, width: 960, height: 1080 });
      randr!.setMonitor(right, { x: 960, y: 0, width: 960, height: 1080 });
      await other.sync();
      await two;
      const one = changed((n) => !n.includes('PASSERELLE-RIGHT@960'));
      randr!.deleteMonitor(right);
      await other.sync();
      await one;
    } finally {
      other.close();
    }
  });

  it('CON-4: the cursor travels apart: position from the pointer, shape from XFIXES', async () => {
    await x.run('xdotool', ['mousemove', '321', '234']);
    const c = await cap.cursor(true);
    assert.equal(c.x, 321);
    assert.equal(c.y, 234);
    assert.ok(c.image && c.image.width > 0 && c.image.rgba.length === c.image.width * c.image.height * 4);
    await x.run('xdotool', ['mousemove', '400', '500']);
    const moved = await cap.cursor(false);
    assert.deepEqual([moved.x, moved.y], [400, 500]);
  });
});

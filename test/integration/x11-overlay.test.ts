// Annotations on the customer's real X screen (CON-5): shown in a shaped, click-through,
// override-redirect window, checked by capturing the display; gone on erase, clear and close.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { X11Overlay } from '../../src/endpoint/platform/linux-x11/overlay.ts';
import type { AnnotationStroke } from '../../src/protocol/remote-control.ts';
import { captureScreen, startXev, startXvfb, type XDisplay } from '../support/x-display.ts';

const BLACK = 0x000000;

describe('X11 annotation overlay (CON-5)', () => {
  let x: XDisplay;
  let overlay: X11Overlay;
  before(async () => {
    x = await startXvfb({ width: 1280, height: 800 });
    overlay = await X11Overlay.open(x.display, { warn: () => {} });
  });
  after(async () => {
    await overlay.close();
    await x.close();
  });
  const area = { x: 0, y: 0, width: 1280, height: 800 };

  it('CON-5: a rectangle, an arrow, a pen stroke and text appear on the screen in their colour, nothing else changes', async () => {
    const strokes: AnnotationStroke[] = [
      { id: 'r1', tool: 'rectangle', color: '#ff0000', width: 6, points: [[100, 100], [300, 200]] },
      { id: 'a1', tool: 'arrow', color: '#00ff00', width: 6, points: [[400, 400], [600, 400]] },
      { id: 'p1', tool: 'pen', color: '#0000ff', width: 4, points: [[700, 100], [720, 110], [760, 130], [800, 150], [850, 170]] },
      { id: 't1', tool: 'text', color: '#ffff00', width: 6, points: [[100, 600]], text: 'Cliquez ici' },
    ];
    for (const s of strokes) await overlay.draw(s);
    await overlay.flush();
    const shot = await captureScreen(x, area);
    assert.equal(shot.at(100, 150), 0xff0000, 'rectangle left edge');
    assert.equal(shot.at(200, 200), 0xff0000, 'rectangle bottom edge');
    assert.equal(shot.at(200, 150), BLACK, 'inside the rectangle shows the screen under it');
    assert.equal(shot.at(500, 400), 0x00ff00, 'arrow shaft');
    assert.equal(shot.at(595, 400), 0x00ff00, 'arrow head');
    assert.equal(shot.at(500, 420), BLACK, 'beside the arrow');
    assert.equal(shot.at(760, 130), 0x0000ff, 'pen stroke');
    let yellow = 0;
    for (let px = 100; px < 100 + 11 * 18; px++) for (let py = 600; py < 600 + 39; py++) if (shot.at(px, py) === 0xffff00) yellow++;
    assert.ok(yellow > 200, `text pixels drawn: ${yellow}`);
    assert.equal(shot.at(1000, 700), BLACK);
  });

  it('CON-5: the highlighter lets every other pixel through', async () => {
    await overlay.draw({ id: 'h1', tool: 'highlighter', color: '#ffff00', width: 8, points: [[100, 300], [300, 300]] });
    await overlay.flush();
    const shot = await captureScreen(x, area);
    const row = [200, 201, 202, 203].map((px) => shot.at(px, 300));
    assert.ok(row.includes(0xffff00) && row.includes(BLACK), row.map((v) => v.toString(16)).join(','));
  });

  it('CON-5: clicks go through the annotations to the window under them', async () => {
    const xev = await startXev(x, '400x300+50+50');
    after(() => xev.close());
    await overlay.draw({ id: 'r2', tool: 'rectangle', color: '#ff00ff', width: 10, points: [[100, 100], [300, 200]] });
    await overlay.flush();
    assert.equal((await captureScreen(x, area)).at(100, 150), 0xff00ff, 'the overlay is above the new window');
    await x.run('xdotool', ['mousemove', '100', '150', 'click', '1']);
    await xev.event(/ButtonPress event[^]*?root:\(100,150\)/);
    overlay.erase(['r2']);
    await overlay.flush();
  });

  it('CON-5: erase removes one stroke, clear removes them all and the screen is as before', async () => {
    overlay.erase(['a1']);
    await overlay.flush();
    let shot = await captureScreen(x, area);
    assert.equal(shot.at(500, 400), BLACK, 'erased arrow');
    assert.equal(shot.at(100, 150), 0xff0000, 'the rectangle stays');
    overlay.clear();
    await overlay.flush();
    shot = await captureScreen(x, area);
    for (const [px, py] of [[100, 150], [760, 130], [200, 300]] as const) assert.equal(shot.at(px, py), BLACK, `cleared at ${px},${py}`);
    assert.equal(overlay.strokeCount, 0);
  });
});

// Remote control on a real X server (CON-4): XTEST injection observed by xev, on AZERTY and US
// layouts, with accents, AltGr, characters the layout lacks, held modifiers, mouse and wheel.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { X11Input } from '../../src/endpoint/platform/linux-x11/input.ts';
import { KEY_COMBINATIONS, keysymForChar, MODIFIER_KEYSYMS } from '../../src/protocol/keysyms.ts';
import { startXev, startXvfb, type XDisplay } from '../support/x-display.ts';

const quiet = { warn: () => {} };

for (const layout of ['fr', 'us']) {
  describe(`XTEST input on a ${layout} keyboard (CON-4)`, () => {
    let x: XDisplay;
    let input: X11Input;
    before(async () => {
      x = await startXvfb();
      await x.run('setxkbmap', ['-layout', layout]);
      input = await X11Input.open(x.display, quiet);
    });
    after(async () => {
      await input.close();
      await x.close();
    });

    it(`CON-4: types accents, AltGr characters, capitals and characters the ${layout} layout lacks`, async () => {
      const xev = await startXev(x, '600x400+0+0');
      after(() => xev.close());
      input.move(300, 200);
      const text = 'touch ~/passerelle-était-là aA1!@€êÿ€Ω';
      assert.equal(await input.text(text, keysymForChar), 'ok');
      assert.equal(await xev.typed([...text].length), text);
    });

    it('CON-4: a held Shift (or AltGr) is let go around a key that must not have it, and pressed again after', async () => {
      const xev = await startXev(x, '600x400+0+0');
      after(() => xev.close());
      input.move(300, 200);
      // What an AZERTY rep sends for Shift+& (the "1" key): Shift held, then the keysym "1".
      await input.key(MODIFIER_KEYSYMS.Shift_L, true);
      await input.key(keysymForChar('1')!, true);
      await input.key(keysymForChar('1')!, false);
      await input.key(keysymForChar('A')!, true);
      await input.key(MODIFIER_KEYSYMS.Shift_L, false);
      await input.key(keysymForChar('é')!, true);
      assert.equal(await xev.typed(3), '1Aé');
    });

    it('CON-4: mouse moves, clicks and wheel notches reach the window under the pointer', async () => {
      const xev = await startXev(x, '600x400+0+0');
      after(() => xev.close());
      input.button(1, true, 120, 80);
      input.button(1, false, 120, 80);
      await xev.event(/ButtonRelease event[^]*?root:\(120,80\)[^]*?button 1,/);
      input.button(3, true, 200, 100);
      input.button(3, false, 200, 100);
      await xev.event(/ButtonPress event[^]*?button 3,/);
      input.wheel(200, 100, 0, 2);
      await xev.event(/ButtonPress event[^]*?button 5,/);
      input.wheel(200, 100, 0, -1);
      await xev.event(/ButtonPress event[^]*?button 4,/);
    });

    it('CON-4: a combination is pressed in order and released in reverse', async () => {
      const xev = await startXev(x, '600x400+0+0');
      after(() => xev.close());
      // Keys go to the window under the pointer: wait until xev sees the pointer on it (a window
      // found by name may not be mapped yet; a combination sent before that was lost and the test hung).
      for (let i = 0; !/MotionNotify event/.test(await Promise.race([xev.event(/MotionNotify event/).then((m) => m[0]), new Promise<string>((r) => setTimeout(() => r(''), 200))])); i++) {
        input.move(300 + (i % 2), 200);
      }
      input.move(300, 200);
      assert.equal(await input.combo(KEY_COMBINATIONS.ctrl_alt_del), 'ok');
      await xev.event(/KeyPress event[^]*?state 0xc,[^]*?\(keysym 0xffff, Delete\)/);
      await xev.event(/KeyRelease event[^]*?\(keysym 0xffe3, Control_L\)/);
    });

    it('CON-4 bad input: a keysym that does not exist is refused; coordinates off the screen are clamped', async () => {
      assert.equal(await input.key(0x1234567, true), 'unknown_keysym');
      assert.equal(await input.key(0xfe52 + 0x100000, true), 'unknown_keysym');
      const xev = await startXev(x, `${x.width}x${x.height}+0+0`);
      after(() => xev.close());
      input.button(1, true, 99_999, -50);
      input.button(1, false, 99_999, -50);
      await xev.event(new RegExp(`ButtonPress event[^]*?root:\\(${x.width - 1},0\\)`));
    });
  });
}

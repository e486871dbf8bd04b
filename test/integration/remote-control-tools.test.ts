// The customer side of the input, clipboard and annotation channels on a real X server (CON-4,
// CON-5): messages a rep's console sends (built by console-core from AZERTY key events) go through
// the agent's handlers into Xvfb; take-back and the bad inputs of issue 13 are refused.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { keyMessage, textMessages, type KeyEventLike } from '../../src/console-core/remote-control/input-events.ts';
import { annotationHandler } from '../../src/endpoint/tools/annotation.ts';
import { clipboardHandler } from '../../src/endpoint/tools/clipboard.ts';
import { inputHandler } from '../../src/endpoint/tools/input.ts';
import type { ToolContext } from '../../src/endpoint/tools/tool-context.ts';
import { decodeChannelJson, encodeChannelJson, ClipboardMessage, MAX_CLIPBOARD_BYTES, type InputMessage } from '../../src/protocol/remote-control.ts';
import type { SessionPermission } from '../../src/protocol/sessions.ts';
import { toolChannelPair } from '../support/tool-channel-pair.ts';
import { captureScreen, startXev, startXvfb, waitForWindow, type XDisplay } from '../support/x-display.ts';

/** What Chromium reports, key by key, when a rep on a French AZERTY keyboard types `text`. */
function azertyKeyEvents(text: string): KeyEventLike[] {
  const keys: Record<string, { code: string; shift?: boolean; altgr?: boolean; dead?: boolean }> = {
    a: { code: 'KeyQ' }, z: { code: 'KeyW' }, q: { code: 'KeyA' }, m: { code: 'Semicolon' }, w: { code: 'KeyZ' },
    ' ': { code: 'Space' }, '-': { code: 'Digit6' }, é: { code: 'Digit2' }, è: { code: 'Digit7' }, à: { code: 'Digit0' },
    '/': { code: 'Period', shift: true }, '1': { code: 'Digit1', shift: true }, '~': { code: 'Digit2', altgr: true, dead: true },
  };
  const out: KeyEventLike[] = [];
  const press = (key: string, code: string) => out.push({ type: 'keydown', key, code }, { type: 'keyup', key, code });
  for (const ch of text) {
    const k = keys[ch] ?? { code: `Key${ch.toUpperCase()}` };
    if (k.shift) out.push({ type: 'keydown', key: 'Shift', code: 'ShiftLeft' });
    if (k.altgr) out.push({ type: 'keydown', key: 'AltGraph', code: 'AltRight' });
    if (k.dead) {
      // A dead key: "Dead" now, the character with the next key (a space gives the accent alone).
      press('Dead', k.code);
      out.push({ type: 'keyup', key: 'AltGraph', code: 'AltRight' });
      press(ch, 'Space');
      continue;
    }
    press(ch, k.code);
    if (k.altgr) out.push({ type: 'keyup', key: 'AltGraph', code: 'AltRight' });
    if (k.shift) out.push({ type: 'keyup', key: 'Shift', code: 'ShiftLeft' });
  }
  return out;
}

function encodeAll(msgs: (InputMessage | null)[]): Uint8Array[] {
  return msgs.filter((m): m is InputMessage => m !== null).map((m) => encodeChannelJson(m));
}

function waitForFile(path: string): Promise<void> {
  return new Promise((resolve) => {
    if (existsSync(path)) return resolve();
    const w = watch(join(path, '..'), () => {
      if (existsSync(path)) {
        w.close();
        resolve();
      }
    });
  });
}

describe('remote control tools on the customer side (CON-4, CON-5)', () => {
  let x: XDisplay;
  const grants = new Set<SessionPermission>(['screen_control', 'annotations']);
  const logs: { msg: string; obj: object }[] = [];
  const logWaiters = new Set<() => void>();
  const logged = (text: string) =>
    new Promise<void>((resolve) => {
      const w = () => {
        if (logs.some((l) => JSON.stringify(l.obj).includes(text))) {
          logWaiters.delete(w);
          resolve();
        }
      };
      logWaiters.add(w);
      w();
    });
  let ctx: ToolContext;
  before(async () => {
    x = await startXvfb({ width: 1280, height: 800 });
    await x.run('setxkbmap', ['-layout', 'fr']);
    ctx = { filesRoot: tmpdir(), report: () => {}, display: x.display, granted: (p) => grants.has(p), log: (_l, obj, msg) => {
        logs.push({ obj, msg });
        for (const w of [...logWaiters]) w();
      } };
  });
  after(async () => {
    await x.close();
  });

  it('CON-4: an AZERTY rep clicks into an xterm and types `touch ~/passerelle-était-là`; the file exists', async () => {
    const home = mkdtempSync(join(tmpdir(), 'passerelle-home-'));
    after(() => rmSync(home, { recursive: true, force: true }));
    x.spawn('xterm', ['-T', 'customer-xterm', '-geometry', '80x24+0+0', '-e', 'bash', '--norc', '--noprofile'], {
      env: { HOME: home, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', PS1: '$ ' },
      cwd: home,
    });
    await waitForWindow(x, '^customer-xterm$');
    const { rep, agent } = toolChannelPair('input', {});
    const done = inputHandler(agent, ctx);
    const typed = 'touch ~/passerelle-était-là';
    for (const p of encodeAll([
      { t: 'move', x: 200, y: 100 },
      { t: 'button', button: 1, down: true, x: 200, y: 100 },
      { t: 'button', button: 1, down: false, x: 200, y: 100 },
      ...azertyKeyEvents(typed).map(keyMessage),
      keyMessage({ type: 'keydown', key: 'Enter', code: 'Enter' }),
    ]))
      await rep.write(p);
    await waitForFile(join(home, 'passerelle-était-là'));
    rep.close();
    await done;
  });

  it('CON-4: taking control back stops injection at once: nothing more is typed, held keys are let go', async () => {
    const xev = await startXev(x, '600x400+600+300');
    after(() => xev.close());
    const { rep, agent } = toolChannelPair('input', {});
    const done = inputHandler(agent, ctx);
    for (const p of encodeAll([{ t: 'move', x: 900, y: 500 }, ...textMessages('ok')])) await rep.write(p);
    await xev.typed(2);
    await rep.write(encodeChannelJson({ t: 'key', keysym: 0xffe1, down: true }));
    grants.delete('screen_control');
    for (const p of encodeAll(textMessages('NON'))) await rep.write(p);
    await logged('control_not_granted');
    grants.add('screen_control');
    await rep.write(encodeChannelJson({ t: 'text', text: 'z' }));
    assert.equal(await xev.typed(3), 'okz', 'what was sent while control was taken back never arrived');
    await xev.event(/KeyRelease event[^]*?Shift_L/);
    rep.close();
    await done;
  });

  it('CON-4 bad input: malformed messages, unknown keysyms, off-screen points are refused or clamped; a flood closes the channel', async () => {
    const { rep, agent } = toolChannelPair('input', {});
    const done = inputHandler(agent, ctx);
    await rep.write(new TextEncoder().encode('{not json'));
    await rep.write(encodeChannelJson({ t: 'key', keysym: 0x7fffff, down: true }));
    await rep.write(encodeChannelJson({ t: 'move', x: 1e9, y: 0 }));
    await rep.write(encodeChannelJson({ t: 'button', button: 7, down: true, x: 0, y: 0 }));
    await rep.write(new Uint8Array(5000));
    const move = encodeChannelJson({ t: 'move', x: 10, y: 10 });
    let closed = false;
    void rep.closed.then(() => (closed = true));
    for (let i = 0; i < 50_000 && !closed; i++) {
      await rep.write(move).catch(() => {});
      if (i % 500 === 0) await new Promise((r) => setImmediate(r));
    }
    assert.equal(await rep.closed, 'flood');
    await done;
    const refused = logs.map((l) => JSON.stringify(l.obj)).join(' ');
    for (const code of ['bad_message', 'unknown_keysym', 'message_too_large', 'flood']) assert.ok(refused.includes(code), `${code} logged: ${refused}`);
  });

  it('CON-4: clipboard text both ways; 2 MB from the rep is refused as clipboard_too_large', async () => {
    const { rep, agent } = toolChannelPair('clipboard', {}, 64 * 1024 * 1024);
    const done = clipboardHandler(agent, ctx);
    const it = rep[Symbol.asyncIterator]();
    const next = async () => decodeChannelJson(ClipboardMessage, (await it.next()).value!.payload, 8 * MAX_CLIPBOARD_BYTES);
    await rep.write(encodeChannelJson({ t: 'text', text: 'collé par le technicien ✓' }));
    assert.deepEqual(await next(), { t: 'ack', n: 1 });
    assert.equal(await x.run('xclip', ['-o', '-selection', 'clipboard']), 'collé par le technicien ✓');
    const owner = x.spawn('sh', ['-c', "printf 'copié par le client' | xclip -quiet -selection clipboard -i"]);
    assert.deepEqual(await next(), { t: 'text', text: 'copié par le client' });
    owner.kill();
    await rep.write(encodeChannelJson({ t: 'text', text: 'x'.repeat(2 * MAX_CLIPBOARD_BYTES) }));
    const refused = await next();
    assert.equal(refused.t === 'error' && refused.code, 'clipboard_too_large');
    rep.close();
    await done;
  });

  it('CON-5: annotations appear on the screen, are gone after clear, and gone when the channel closes', async () => {
    const { rep, agent } = toolChannelPair('annotation', {});
    const done = annotationHandler(agent, ctx);
    const area = { x: 0, y: 0, width: 1280, height: 800 };
    const flushed = async (check: (px: number) => boolean) => {
      // The overlay draws asynchronously: capture until the screen shows the expected pixel.
      for (;;) {
        const px = (await captureScreen(x, area)).at(1000, 150);
        if (check(px)) return px;
        await new Promise((r) => setImmediate(r));
      }
    };
    const under = (await captureScreen(x, area)).at(1000, 150);
    await rep.write(encodeChannelJson({ t: 'stroke', stroke: { id: 's1', tool: 'rectangle', color: '#ff0000', width: 8, points: [[1000, 100], [1200, 200]] } }));
    await flushed((px) => px === 0xff0000);
    await rep.write(encodeChannelJson({ t: 'clear' }));
    await flushed((px) => px === under);
    await rep.write(encodeChannelJson({ t: 'stroke', stroke: { id: 's2', tool: 'rectangle', color: '#00ff00', width: 8, points: [[1000, 100], [1200, 200]] } }));
    await flushed((px) => px === 0x00ff00);
    rep.close('permission_revoked');
    await done;
    assert.equal((await captureScreen(x, area)).at(1000, 150), under, 'gone once the channel closed');
  });
});

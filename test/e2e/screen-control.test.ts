// Issue 13's "Done when" in Chromium: Xvfb at 1920×1080 runs an xterm (its shell's HOME a temp
// folder); the real customer client joins; the rep accepts, asks for and gets screen view and
// control, sees the xterm on the canvas (compared with an xwd capture of the display), clicks into
// it and types `touch ~/passerelle-était-là` as an AZERTY keyboard produces it (the customer's X
// layout set to fr), and the file exists; two RandR monitors are switched in the picker.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { RandrMonitors } from '../../src/endpoint/platform/linux-x11/randr-monitors.ts';
import { XConnection } from '../../src/endpoint/platform/linux-x11/x11-connection.ts';
import { createRep } from '../support/broker.ts';
import { loginViaUi, newPage, startE2e, type E2eWorld } from '../support/browser.ts';
import { CustomerProcess } from '../support/customer-client.ts';
import { crop, meanAbsDiff, xwdCapture, type RgbaPicture } from '../support/screen-pixels.ts';
import { startXvfb, waitForWindow, type XDisplay } from '../support/x-display.ts';

/** What an AZERTY (fr) keyboard sends for each character: the physical key, and Shift or AltGr. */
const AZERTY: Record<string, { code: string; shift?: boolean; altgr?: boolean }> = {
  a: { code: 'KeyQ' }, q: { code: 'KeyA' }, z: { code: 'KeyW' }, w: { code: 'KeyZ' }, m: { code: 'Semicolon' },
  ' ': { code: 'Space' }, '~': { code: 'Digit2', altgr: true }, '/': { code: 'Period', shift: true },
  '-': { code: 'Digit6' }, 'é': { code: 'Digit2' }, 'à': { code: 'Digit0' },
};
const codeOf = (ch: string) => AZERTY[ch] ?? { code: `Key${ch.toUpperCase()}` };

/** Types `text` through Chromium's input pipeline (CDP) as an AZERTY keyboard would: key, code, modifiers. */
async function typeAzerty(page: Page, text: string, enter = true): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const key = (type: 'keyDown' | 'keyUp', k: string, code: string, extra: Record<string, unknown> = {}) => cdp.send('Input.dispatchKeyEvent', { type, key: k, code, ...extra });
  for (const ch of text) {
    const { code, shift, altgr } = codeOf(ch);
    if (shift) await key('keyDown', 'Shift', 'ShiftLeft', { modifiers: 8, windowsVirtualKeyCode: 16 });
    if (altgr) await key('keyDown', 'AltGraph', 'AltRight', { windowsVirtualKeyCode: 225 });
    await key('keyDown', ch, code, { text: ch, unmodifiedText: ch, modifiers: shift ? 8 : 0 });
    await key('keyUp', ch, code, { modifiers: shift ? 8 : 0 });
    if (altgr) await key('keyUp', 'AltGraph', 'AltRight', { windowsVirtualKeyCode: 225 });
    if (shift) await key('keyUp', 'Shift', 'ShiftLeft', { windowsVirtualKeyCode: 16 });
  }
  if (enter) {
    await key('keyDown', 'Enter', 'Enter', { windowsVirtualKeyCode: 13, text: '\r' });
    await key('keyUp', 'Enter', 'Enter', { windowsVirtualKeyCode: 13 });
  }
  await cdp.detach();
}

/**
 * AZERTY's dead circumflex key (the key right of P) then a letter, as Chromium reports it on
 * Linux with an input method: a 'Dead' keydown, a composition showing '^', the letter's keydown
 * while composing, and the composed character committed (compositionend).
 */
async function deadKeyComposed(page: Page, letter: { key: string; code: string }, composed: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', key: 'Dead', code: 'BracketLeft' });
  await cdp.send('Input.imeSetComposition', { text: '^', selectionStart: 1, selectionEnd: 1 });
  await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Dead', code: 'BracketLeft' });
  await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', key: letter.key, code: letter.code });
  await cdp.send('Input.insertText', { text: composed });
  await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: letter.key, code: letter.code });
  await cdp.detach();
}

/** Shift + the same dead key (diaeresis) then a letter, as Chromium reports it on Windows: the letter's keydown carries the composed character. */
async function deadKeyDirect(page: Page, letter: { code: string }, composed: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const key = (type: 'keyDown' | 'keyUp', k: string, code: string, extra: Record<string, unknown> = {}) => cdp.send('Input.dispatchKeyEvent', { type, key: k, code, ...extra });
  await key('keyDown', 'Shift', 'ShiftLeft', { modifiers: 8, windowsVirtualKeyCode: 16 });
  await key('keyDown', 'Dead', 'BracketLeft', { modifiers: 8 });
  await key('keyUp', 'Dead', 'BracketLeft', { modifiers: 8 });
  await key('keyUp', 'Shift', 'ShiftLeft', { windowsVirtualKeyCode: 16 });
  await key('keyDown', composed, letter.code, { text: composed, unmodifiedText: composed });
  await key('keyUp', composed, letter.code);
  await cdp.detach();
}

/** The picture as shown on the page (a screenshot of the canvas' visible part), as RGBA. */
async function shownPicture(page: Page, width: number, height: number): Promise<RgbaPicture> {
  // The stage's top at the window's top, scrolled to its top-left corner (1:1 view).
  await page.evaluate(() => {
    const stage = document.querySelector('.screen-stage')!;
    stage.scrollIntoView({ block: 'start' });
    stage.scrollTo(0, 0);
  });
  const box = (await page.getByRole('img', { name: "The customer's screen" }).boundingBox())!;
  const png = await page.screenshot({ clip: { x: box.x, y: box.y, width, height } });
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, rgba: new Uint8Array(data) };
}

/** Resolves once `pred` holds, re-checking whenever the page paints (no fixed sleeps). */
async function until<T>(what: string, check: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    const v = await check().catch((e: unknown) => ((last = e), null));
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('e2e: screen view and remote control in Chromium (issue 13)', () => {
  let w: E2eWorld;
  let x: XDisplay;
  let home: string;
  const procs: CustomerProcess[] = [];

  before(async () => {
    w = await startE2e();
    x = await startXvfb({ width: 1920, height: 1080 });
    home = mkdtempSync(join(tmpdir(), 'passerelle-e2e-home-'));
    await x.run('setxkbmap', ['fr']);
    x.spawn('xterm', ['-geometry', '80x20+0+0', '-bg', 'rgb:10/20/60', '-fg', 'rgb:ff/ff/a0', '-T', 'e2e-xterm', '-e', 'sh'], { env: { HOME: home }, cwd: home });
    await waitForWindow(x, '^e2e-xterm$');
  });
  after(async () => {
    for (const p of procs) await p.stop();
    await x?.close();
    await w?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('CON-4, USR-11: the rep sees the xterm, clicks into it and types `touch ~/passerelle-était-là` on AZERTY, then `touch ~/crêpe-ïle` with dead keys; the files exist; two monitors switch', async () => {
    const rep = await createRep(w.admin, { username: 'screenrep', displayName: 'Sandra Rep' });
    const { page, ctx, errors } = await newPage(w.browser);
    await loginViaUi(page, w.broker.url, rep.username, rep.password);
    await page.getByRole('link', { name: 'Queue' }).click();
    await page.getByRole('button', { name: 'Generate session key' }).click();
    const key = /(\d{3} \d{3} \d{3})/.exec((await page.getByTestId('session-key').textContent())!)![1]!;

    const p = new CustomerProcess(['--broker', w.broker.url, '--key', key, '--pin', w.broker.fingerprint, '--name', 'Élise'], { env: { ...x.env, HOME: home } });
    procs.push(p);
    await p.line(/^Connected/, 30_000);
    await page.getByRole('region', { name: /General queue/ }).getByRole('button', { name: 'Accept Élise' }).click();
    const panel = page.getByRole('article');
    await panel.getByRole('heading', { name: /Élise/ }).waitFor();

    // Ask for the screen, then for control; the customer allows each on the terminal.
    const asks = [
      ['view the screen', /asks to view your screen/, 'Granted: view the screen'],
      ['control mouse and keyboard', /asks to control your mouse and keyboard/, 'Élise gave control of the mouse and keyboard'],
    ] as const;
    for (const [label, prompt, logged] of asks) {
      await panel.getByRole('combobox', { name: /Ask the customer for/ }).selectOption({ label });
      await panel.getByRole('button', { name: 'Ask', exact: true }).click();
      await p.line(prompt);
      p.type('y');
      await panel.getByTestId('transcript').getByText(logged).waitFor();
    }

    // The screen tab opens with the viewer; 1:1 so canvas pixels are screen pixels.
    const tools = panel.getByRole('region', { name: 'Tools' });
    await tools.getByRole('tab', { name: 'Screen' }).waitFor();
    await tools.getByRole('status').getByText(/Live · Controlling the mouse and keyboard/).waitFor({ timeout: 20_000 });
    await tools.getByRole('button', { name: 'Actual size (1:1)' }).click();
    await panel.getByTestId('transcript').getByText('Screen view started').waitFor();
    await panel.getByTestId('transcript').getByText('Remote control started').waitFor();

    // What the rep sees is what the display shows (the xterm and the root window around it).
    const W = 640;
    const H = 320;
    const diff = await until('the canvas to show the display', async () => {
      const shown = await shownPicture(page, W, H);
      const truth = crop(await xwdCapture(x.display), 0, 0, W, H);
      const d = meanAbsDiff(shown, truth);
      return d < 4 ? d : null;
    });
    assert.ok(diff < 4, `mean difference ${diff}`);

    // Click into the xterm on the canvas, type on an AZERTY keyboard; the file appears in its HOME.
    const canvas = page.getByRole('img', { name: "The customer's screen" });
    await canvas.click({ position: { x: 200, y: 100 } });
    const file = join(home, 'passerelle-était-là');
    const created = new Promise<void>((resolve) => {
      const watcher = watch(home, () => {
        if (existsSync(file)) {
          watcher.close();
          resolve();
        }
      });
    });
    await typeAzerty(page, 'touch ~/passerelle-était-là');
    await created;
    assert.ok(existsSync(file), 'the file exists on the customer side');

    // Dead keys: ^ then e composes ê (Linux, through a composition), ¨ then i gives ï (Windows, in the key itself).
    const deadFile = join(home, 'crêpe-ïle');
    const deadCreated = new Promise<void>((resolve) => {
      const watcher = watch(home, () => {
        if (existsSync(deadFile)) {
          watcher.close();
          resolve();
        }
      });
    });
    await typeAzerty(page, 'touch ~/cr', false);
    await deadKeyComposed(page, { key: 'e', code: 'KeyE' }, 'ê');
    await typeAzerty(page, 'pe-', false);
    await deadKeyDirect(page, { code: 'KeyI' }, 'ï');
    await typeAzerty(page, 'le');
    await deadCreated;
    assert.ok(existsSync(deadFile), 'the file typed with dead keys exists on the customer side');

    // Two RandR monitors: the picker follows the layout, and switching shows the right one.
    const xc = await XConnection.open(x.display, { warn: () => {} });
    const randr = (await RandrMonitors.open(xc))!;
    randr.setMonitor(await xc.internAtom('E2E-LEFT'), { x: 0, y: 0, width: 960, height: 1080 });
    randr.setMonitor(await xc.internAtom('E2E-RIGHT'), { x: 960, y: 0, width: 960, height: 1080 });
    await xc.sync();
    x.spawn('xterm', ['-geometry', '40x10+1100+40', '-bg', 'rgb:60/10/10', '-fg', 'white', '-T', 'e2e-right']);
    await waitForWindow(x, '^e2e-right$');
    const picker = tools.getByRole('combobox', { name: 'Monitor' });
    const right = await until('the monitor list', async () => {
      const labels = await picker.locator('option').allTextContents();
      return labels.find((l) => l.includes('E2E-RIGHT')) ?? null;
    });
    await picker.selectOption({ label: right });
    await panel.getByTestId('transcript').getByText('Monitor switched').waitFor();
    const d2 = await until('the right monitor on the canvas', async () => {
      const shown = await shownPicture(page, 400, 200);
      const truth = crop(await xwdCapture(x.display), 960, 0, 400, 200);
      const d = meanAbsDiff(shown, truth);
      return d < 4 ? d : null;
    });
    assert.ok(d2 < 4);
    xc.close();

    await page.screenshot({ path: join(tmpdir(), 'passerelle-e2e-screen.png') });
    assert.deepEqual(errors, []);
    await ctx.close();
    await rep.api.close();
  });
});

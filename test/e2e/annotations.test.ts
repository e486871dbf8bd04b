// Issue 13's "Done when", annotations and clipboard, in Chromium (CON-5, CON-4, USR-11): Xvfb runs
// the real customer client; the rep accepts, gets screen view, control and annotations, draws a
// rectangle over the screen view and it appears on the customer's X screen (checked by capturing
// the display), "Clear all" removes it; text the rep sends from the clipboard panel is the
// customer's X CLIPBOARD (read with xclip). Then pen, arrow in another colour and text, and the
// eraser taking away only the stroke it touches, each checked on the captured X screen.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRep } from '../support/broker.ts';
import { loginViaUi, newPage, startE2e, type E2eWorld } from '../support/browser.ts';
import { CustomerProcess } from '../support/customer-client.ts';
import { captureScreen, startXvfb, type XDisplay } from '../support/x-display.ts';

const W = 1280;
const H = 800;
const PEN_RED = 0xe53935;

async function until<T>(what: string, check: () => Promise<T | null>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => null);
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('e2e: annotations and clipboard in Chromium (issue 13)', () => {
  let w: E2eWorld;
  let x: XDisplay;
  const procs: CustomerProcess[] = [];

  before(async () => {
    w = await startE2e();
    x = await startXvfb({ width: W, height: H });
  });
  after(async () => {
    for (const p of procs) await p.stop();
    await x?.close();
    await w?.close();
  });

  it('CON-5, CON-4, USR-11: a rectangle drawn by the rep appears on the customer\'s X screen and goes on "Clear all"; sent text is the customer\'s clipboard', async () => {
    const rep = await createRep(w.admin, { username: 'annotrep', displayName: 'Anna Rep', permissions: { screenSharing: true, annotations: true } });
    const { page, ctx, errors } = await newPage(w.browser);
    await loginViaUi(page, w.broker.url, rep.username, rep.password);
    await page.getByRole('link', { name: 'Queue' }).click();

    const p = new CustomerProcess(['--broker', w.broker.url, '--rep', rep.username, '--pin', w.broker.fingerprint, '--name', 'Élise'], { env: x.env });
    procs.push(p);
    await p.line(/^Connected/, 30_000);
    await page.getByRole('region', { name: /My personal queue/ }).getByRole('button', { name: 'Accept Élise' }).click();
    const panel = page.getByRole('article');
    await panel.getByRole('heading', { name: /Élise/ }).waitFor();
    const asks = [
      ['view the screen', /asks to view your screen/, 'Granted: view the screen'],
      ['control mouse and keyboard', /asks to control your mouse and keyboard/, 'Élise gave control of the mouse and keyboard'],
      ['annotations', /asks to draw on your screen/, 'Granted: annotations'],
    ] as const;
    for (const [label, prompt, logged] of asks) {
      await panel.getByRole('combobox', { name: /Ask the customer for/ }).selectOption({ label });
      await panel.getByRole('button', { name: 'Ask', exact: true }).click();
      await p.line(prompt);
      p.type('y');
      await panel.getByTestId('transcript').getByText(logged).waitFor();
    }

    const tools = panel.getByRole('region', { name: 'Tools' });
    await tools.getByRole('status').getByText(/Live/).first().waitFor({ timeout: 20_000 });
    const bar = tools.getByRole('group', { name: 'Annotations' });
    await bar.getByRole('button', { name: 'Rectangle' }).click();
    assert.equal(await bar.getByRole('button', { name: 'Rectangle' }).getAttribute('aria-pressed'), 'true');

    // Drag on the drawing layer; its box is the displayed picture of the whole 1280×800 screen.
    const layer = tools.getByRole('region', { name: "Drawing area over the customer's screen" });
    const box = (await layer.boundingBox())!;
    const css = (sx: number, sy: number) => ({ x: box.x + (sx * box.width) / W, y: box.y + (sy * box.height) / H });
    const from = css(200, 200);
    const to = css(600, 500);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 4 });
    await page.mouse.move(to.x, to.y, { steps: 4 });
    await page.mouse.up();

    // On the customer's real screen: the rectangle's left edge is red, its inside untouched.
    const edge = { x: 200, y: 350 };
    await until('the rectangle on the X screen', async () => ((await captureScreen(x, { x: 0, y: 0, width: W, height: H })).at(edge.x, edge.y) === PEN_RED ? true : null));
    const shot = await captureScreen(x, { x: 0, y: 0, width: W, height: H });
    assert.equal(shot.at(400, 350), 0x000000, 'inside the rectangle shows the screen');
    await panel.getByTestId('transcript').getByText("Annotations shown on the customer's screen").waitFor();
    await page.screenshot({ path: join(tmpdir(), 'h13a-e2e-annotation.png') });

    await bar.getByRole('button', { name: 'Clear all' }).click();
    await until('the rectangle gone', async () => ((await captureScreen(x, { x: 0, y: 0, width: W, height: H })).at(edge.x, edge.y) === 0x000000 ? true : null));
    await panel.getByTestId('transcript').getByText("Annotations cleared from the customer's screen").waitFor();

    // Escape leaves drawing: the tool is released.
    await bar.getByRole('button', { name: 'Pen' }).click();
    await layer.focus();
    await page.keyboard.press('Escape');
    assert.equal(await bar.getByRole('button', { name: 'Pen' }).getAttribute('aria-pressed'), 'false');

    // Clipboard: text sent by the rep is the customer's X CLIPBOARD.
    const clip = tools.getByRole('region', { name: 'Clipboard' });
    const text = 'Bonjour, presse-papiers : été 2026';
    await clip.getByLabel("Text to put on the customer's clipboard").fill(text);
    await clip.getByRole('button', { name: 'Send this text' }).click();
    await clip.getByRole('status').getByText("On the customer's clipboard: paste it there.").waitFor();
    assert.equal(await x.run('xclip', ['-o', '-selection', 'clipboard']), text);

    // And what the customer copies shows in the panel.
    const owner = x.spawn('sh', ['-c', "printf 'copié chez le client' | xclip -quiet -selection clipboard -i"]);
    await until('the customer\'s copy in the panel', async () => ((await clip.getByLabel("The customer's clipboard", { exact: true }).inputValue()) === 'copié chez le client' ? true : null));
    owner.kill();

    assert.deepEqual(errors, []);
    await ctx.close();
    await rep.api.close();
  });

  it('CON-5, USR-11: pen, arrow (in another colour) and text drawn by the rep appear on the customer\'s X screen; the eraser removes only the stroke it touches', async () => {
    const rep = await createRep(w.admin, { username: 'annotrep2', displayName: 'Anna Rep', permissions: { screenSharing: true, annotations: true } });
    const { page, ctx, errors } = await newPage(w.browser);
    await loginViaUi(page, w.broker.url, rep.username, rep.password);
    await page.getByRole('link', { name: 'Queue' }).click();
    const p = new CustomerProcess(['--broker', w.broker.url, '--rep', rep.username, '--pin', w.broker.fingerprint, '--name', 'Noé'], { env: x.env });
    procs.push(p);
    await p.line(/^Connected/, 30_000);
    await page.getByRole('region', { name: /My personal queue/ }).getByRole('button', { name: 'Accept Noé' }).click();
    const panel = page.getByRole('article');
    await panel.getByRole('heading', { name: /Noé/ }).waitFor();
    const asks = [
      ['view the screen', /asks to view your screen/, 'Granted: view the screen'],
      ['annotations', /asks to draw on your screen/, 'Granted: annotations'],
    ] as const;
    for (const [label, prompt, logged] of asks) {
      await panel.getByRole('combobox', { name: /Ask the customer for/ }).selectOption({ label });
      await panel.getByRole('button', { name: 'Ask', exact: true }).click();
      await p.line(prompt);
      p.type('y');
      await panel.getByTestId('transcript').getByText(logged).waitFor();
    }
    const tools = panel.getByRole('region', { name: 'Tools' });
    await tools.getByRole('status').getByText(/Live/).first().waitFor({ timeout: 20_000 });
    const bar = tools.getByRole('group', { name: 'Annotations' });
    const layer = tools.getByRole('region', { name: "Drawing area over the customer's screen" });
    // Read where the layer is each time: picking a tool may scroll the page.
    const css = async (sx: number, sy: number) => {
      await layer.scrollIntoViewIfNeeded();
      const box = (await layer.boundingBox())!;
      return { x: box.x + (sx * box.width) / W, y: box.y + (sy * box.height) / H };
    };
    // Each step is placed from the layer's box as it is then: the toolbar's status line changes
    // when drawing starts, which can move the layer under the pointer.
    const drag = async (from: [number, number], to: [number, number]) => {
      const a = await css(...from);
      await page.mouse.move(a.x, a.y);
      await page.mouse.down();
      for (let k = 1; k <= 8; k++) {
        const q = await css(from[0] + ((to[0] - from[0]) * k) / 8, from[1] + ((to[1] - from[1]) * k) / 8);
        await page.mouse.move(q.x, q.y);
      }
      await page.mouse.up();
    };
    const screen = () => captureScreen(x, { x: 0, y: 0, width: W, height: H });
    const GREEN = 0x43a047;

    // Pen: a freehand stroke across the lower left.
    await bar.getByRole('button', { name: 'Pen' }).click();
    await drag([100, 650], [500, 650]);
    await until('the pen stroke on the X screen', async () => ((await screen()).at(300, 650) === PEN_RED ? true : null));

    // Arrow, in green: its shaft and its head (near the tip, across the shaft) are green.
    await bar.getByLabel('Colour').fill('#43a047');
    await bar.getByRole('button', { name: 'Arrow' }).click();
    assert.equal(await bar.getByRole('button', { name: 'Arrow' }).getAttribute('aria-pressed'), 'true');
    await drag([700, 150], [1100, 150]);
    await until('the arrow on the X screen', async () => ((await screen()).at(900, 150) === GREEN ? true : null));
    const arrowShot = await screen();
    assert.equal(arrowShot.at(1090, 156), GREEN, 'the arrow head is wider than the shaft');
    assert.equal(arrowShot.at(900, 170), 0x000000, 'beside the shaft the screen shows');

    // Text, in green: typed in the box where the rep clicked, placed with Enter.
    await bar.getByRole('button', { name: 'Text' }).click();
    const at = await css(700, 400);
    await page.mouse.click(at.x, at.y);
    const input = layer.getByLabel('Annotation text (Enter to place, Escape to cancel)');
    await input.fill('Bonjour');
    await input.press('Enter');
    // Width 4 draws 6×13 glyphs at scale 2: "Bonjour" covers about 84×26 pixels from the click.
    const greenIn = (shot: Awaited<ReturnType<typeof screen>>, x0: number, y0: number, w: number, h: number) => {
      let n = 0;
      for (let yy = y0; yy < y0 + h; yy++) for (let xx = x0; xx < x0 + w; xx++) if (shot.at(xx, yy) === GREEN) n++;
      return n;
    };
    await until('the text on the X screen', async () => (greenIn(await screen(), 696, 396, 96, 36) > 100 ? true : null));
    // Placed once: Enter, then the box's blur, sent it twice before.
    assert.match((await bar.getByRole('status').textContent()) ?? '', /· 3 on screen/, 'pen, arrow and one text');
    assert.equal(greenIn(await screen(), 800, 396, 60, 36), 0, 'nothing past the end of the text');

    // Eraser: a click on the pen stroke removes it; the arrow and the text stay.
    await bar.getByRole('button', { name: 'Eraser' }).click();
    const on = await css(300, 650);
    await page.mouse.click(on.x, on.y);
    await until('the pen stroke erased', async () => ((await screen()).at(300, 650) === 0x000000 ? true : null));
    const after = await screen();
    let red = 0;
    for (let yy = 560; yy < 740; yy++) for (let xx = 40; xx < 560; xx++) if (after.at(xx, yy) === PEN_RED) red++;
    assert.equal(red, 0, 'nothing of the pen stroke is left');
    assert.equal(after.at(900, 150), GREEN, 'the arrow is still there');
    assert.ok(greenIn(after, 696, 396, 96, 36) > 100, 'the text is still there');
    const status = (await bar.getByRole('status').textContent()) ?? '';
    assert.match(status, /· 2 on screen/, `the toolbar counts the arrow and the text: ${status}`);

    await bar.getByRole('button', { name: 'Clear all' }).click();
    await until('all gone', async () => {
      const shot = await screen();
      return shot.at(900, 150) === 0x000000 && greenIn(shot, 696, 396, 96, 36) === 0 ? true : null;
    });
    assert.deepEqual(errors, []);
    await ctx.close();
    await rep.api.close();
  });
});

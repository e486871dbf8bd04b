// Issue 13's "Done when", annotations and clipboard, in Chromium (CON-5, CON-4, USR-11): Xvfb runs
// the real customer client; the rep accepts, gets screen view, control and annotations, draws a
// rectangle over the screen view and it appears on the customer's X screen (checked by capturing
// the display), "Clear all" removes it; text the rep sends from the clipboard panel is the
// customer's X CLIPBOARD (read with xclip).
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
});

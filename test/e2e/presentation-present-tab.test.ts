// The whole presentation in Chromium (CON-9, POR-2, REP-6): a rep presents from the console's
// Present tab in a headful Chromium on a real X display (Xvfb), where getDisplayMedia captures the
// X screen (the picker is answered by --auto-select-desktop-capture-source) and the tab encodes it
// with WebCodecs; three attendees join from the portal's list in other browser contexts, each
// sees the presented screen (block averages of the attendee's canvas compared with an xwd capture
// of the same display), they chat with the presenter, one leaves; the rep pauses and resumes (a
// change on the screen then reaches them), removes one and ends, and the presentation report in
// the Reports tab shows each attendee's join and leave times.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_PATH, loginViaUi, newPage, startE2e, type E2eWorld } from '../support/browser.ts';
import { ADMIN_PASSWORD, createRep } from '../support/broker.ts';
import { xwdCapture, type RgbaPicture } from '../support/screen-pixels.ts';
import { startXvfb, type XDisplay } from '../support/x-display.ts';

const W = 1280;
const H = 720;
/** The part of the screen right of the rep's own Chromium window: the root and two coloured xterms, static. */
const REGION = { x: 864, y: 0, width: 416, height: 720 };
const BLOCK = 16;

/** Mean RGB of each BLOCK×BLOCK block of REGION, row by row. */
function blockMeans(p: RgbaPicture): number[] {
  const out: number[] = [];
  for (let by = REGION.y; by < REGION.y + REGION.height; by += BLOCK) {
    for (let bx = REGION.x; bx < REGION.x + REGION.width; bx += BLOCK) {
      const s = [0, 0, 0];
      for (let y = by; y < by + BLOCK; y++) {
        for (let x = bx; x < bx + BLOCK; x++) {
          const o = (y * p.width + x) * 4;
          s[0]! += p.rgba[o]!;
          s[1]! += p.rgba[o + 1]!;
          s[2]! += p.rgba[o + 2]!;
        }
      }
      out.push(...s.map((v) => v / (BLOCK * BLOCK)));
    }
  }
  return out;
}

/** blockMeans of the attendee's canvas, computed in the page, once it shows a W×H picture. */
async function canvasBlockMeans(page: Page): Promise<number[]> {
  const handle = await page.waitForFunction(
    ({ w, h, r, block }) => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid="presentation-canvas"]');
      if (!c || c.width !== w || c.height !== h) return null;
      const d = c.getContext('2d')!.getImageData(r.x, r.y, r.width, r.height).data;
      const out: number[] = [];
      for (let by = 0; by < r.height; by += block) {
        for (let bx = 0; bx < r.width; bx += block) {
          const s = [0, 0, 0];
          for (let y = by; y < by + block; y++) {
            for (let x = bx; x < bx + block; x++) {
              const o = (y * r.width + x) * 4;
              s[0]! += d[o]!;
              s[1]! += d[o + 1]!;
              s[2]! += d[o + 2]!;
            }
          }
          out.push(...s.map((v) => v / (block * block)));
        }
      }
      return out;
    },
    { w: W, h: H, r: REGION, block: BLOCK },
    { timeout: 30_000, polling: 250 },
  );
  return (await handle.jsonValue())!;
}

const meanDiff = (a: number[], b: number[]) => a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;

describe('e2e: a rep presents from the Present tab to three attendees', () => {
  let w: E2eWorld;
  let x: XDisplay;
  let headful: Browser;
  before(async () => {
    w = await startE2e();
    x = await startXvfb({ width: W, height: H });
    // Two solid-coloured windows beside the rep's browser: what the attendees must see.
    x.spawn('xterm', ['-bg', '#ff8000', '-fg', '#ff8000', '-geometry', '40x12+880+40']);
    x.spawn('xterm', ['-bg', '#1060e0', '-fg', '#1060e0', '-geometry', '40x12+900+400']);
    headful = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: false,
      env: { ...process.env, DISPLAY: x.display },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // getDisplayMedia's picker answered with the whole X screen.
        '--auto-select-desktop-capture-source=Entire screen',
        '--window-position=0,0',
        '--window-size=850,720',
      ],
    });
  });
  after(async () => {
    await headful?.close();
    await x?.close();
    await w?.close();
  });

  it('CON-9, POR-2, REP-6: getDisplayMedia in the Present tab, three attendees from the portal see the screen (pixels), chat, one leaves; pause, resume, remove, end; the report shows join and leave times', async () => {
    const rep = await createRep(w.admin, { displayName: 'Hélène Présente' });
    await x.run('xdotool', ['search', '--sync', '--onlyvisible', '--class', 'xterm']);
    // The emulated viewport would also scale the capture: the rep's window keeps its real size.
    const repCtx = await headful.newContext({ ignoreHTTPSErrors: true, locale: 'en-US', viewport: null });
    const repPage = await repCtx.newPage();
    repPage.setDefaultTimeout(15_000);
    const repErrors: string[] = [];
    repPage.on('pageerror', (e) => repErrors.push(e.message));
    await loginViaUi(repPage, w.broker.url, rep.username, rep.password);
    await repPage.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Present' }).click();
    await repPage.getByLabel('Presentation name').fill('Démo trois');
    await repPage.getByLabel('List it on the public portal').check();
    await repPage.getByRole('button', { name: 'Choose what to share and start' }).click();
    await repPage.getByRole('status').filter({ hasText: 'Presenting' }).waitFor();
    const keyText = await repPage.getByTestId('presentation-key').textContent();
    assert.match(keyText ?? '', /\d{3} ?\d{3} ?\d{3}/);

    const names = ['Alice', 'Bruno', 'Chloé'];
    const attendees: { page: Page; errors: string[] }[] = [];
    for (const name of names) {
      const a = await newPage(w.browser);
      await a.page.goto(`${w.broker.url}/`);
      await a.page.getByLabel('Your name', { exact: true }).fill(name);
      await a.page.getByRole('button', { name: 'Join “Démo trois”' }).click();
      await a.page.getByRole('img', { name: 'Screen shared by Hélène Présente' }).waitFor();
      attendees.push(a);
    }
    const attendeeList = repPage.getByRole('region', { name: /^Attendees/ });
    await repPage.getByRole('heading', { name: 'Attendees (3)' }).waitFor();
    for (const name of names) await attendeeList.getByText(name).waitFor();

    // Each attendee's canvas shows the X screen: the region beside the rep's window, block by block.
    const reference = blockMeans(await xwdCapture(x.display));
    const orange = reference.some((_, i) => i % 3 === 0 && reference[i]! > 200 && reference[i + 1]! > 100 && reference[i + 1]! < 160 && reference[i + 2]! < 40);
    const blue = reference.some((_, i) => i % 3 === 0 && reference[i]! < 40 && reference[i + 2]! > 190);
    assert.ok(orange && blue, 'the reference capture shows both coloured windows');
    for (const [i, a] of attendees.entries()) {
      // A video codec converges on a static picture; keep reading until it has.
      let diff = Infinity;
      for (let tries = 0; tries < 40 && diff > 8; tries++) diff = meanDiff(await canvasBlockMeans(a.page), reference);
      assert.ok(diff <= 8, `${names[i]}'s picture differs from the screen by ${diff.toFixed(1)} per channel`);
    }

    // Chat: each attendee's line reaches the presenter; the presenter's reaches them all.
    for (const [i, a] of attendees.entries()) {
      await a.page.getByLabel('Message').fill(`Bonjour de ${names[i]}`);
      await a.page.getByRole('button', { name: 'Send' }).click();
      await repPage.getByText(`Bonjour de ${names[i]}`).waitFor();
    }
    await repPage.getByLabel('Message').fill('Bienvenue à tous');
    await repPage.getByRole('button', { name: 'Send' }).click();
    for (const a of attendees) await a.page.getByText('Bienvenue à tous').waitFor();

    // Bruno leaves; the presenter sees two.
    await attendees[1]!.page.getByRole('button', { name: 'Leave the presentation' }).click();
    await repPage.getByRole('heading', { name: 'Attendees (2)' }).waitFor();
    assert.equal(await attendeeList.getByText('Bruno').count(), 0);

    // Pause and resume: the attendees are told; after resuming, a change on the screen reaches them.
    await repPage.getByRole('button', { name: 'Pause', exact: true }).click();
    await repPage.getByRole('status').filter({ hasText: 'Paused: attendees see nothing new' }).waitFor();
    for (const a of [attendees[0]!, attendees[2]!]) await a.page.getByText('The presenter paused the presentation.').waitFor();
    await repPage.getByRole('button', { name: 'Resume', exact: true }).click();
    await repPage.getByRole('status').filter({ hasText: 'Presenting' }).waitFor();
    x.spawn('xterm', ['-bg', '#20c040', '-fg', '#20c040', '-geometry', '30x6+1000+250']);
    await x.run('xdotool', ['search', '--sync', '--onlyvisible', '--class', 'xterm']);
    let changed = blockMeans(await xwdCapture(x.display));
    for (let tries = 0; tries < 40 && !changed.some((_, i) => i % 3 === 0 && changed[i]! < 80 && changed[i + 1]! > 170 && changed[i + 2]! < 100); tries++) {
      changed = blockMeans(await xwdCapture(x.display));
    }
    let after = Infinity;
    for (let tries = 0; tries < 40 && after > 8; tries++) after = meanDiff(await canvasBlockMeans(attendees[0]!.page), changed);
    assert.ok(after <= 8, `after resuming, Alice's picture differs from the changed screen by ${after.toFixed(1)}`);

    // The presenter removes Chloé: she is told, and cannot come back from the list.
    await attendeeList.getByRole('button', { name: 'Remove Chloé' }).click();
    await attendees[2]!.page.getByText('The presenter removed you from the presentation.').waitFor();
    await repPage.getByRole('heading', { name: 'Attendees (1)' }).waitFor();

    await repPage.getByRole('button', { name: 'End the presentation' }).click();
    await repPage.getByRole('status').filter({ hasText: 'The presentation has ended (ended by the presenter)' }).waitFor();
    await attendees[0]!.page.getByText('The presentation has ended.').waitFor();

    // The report, from the REST API and in the Reports tab of an administrator's console.
    const listed = await w.admin.get('/api/v1/reports/presentations');
    const row = listed.body.presentations.find((p: { name: string }) => p.name === 'Démo trois');
    const detail = await w.admin.get(`/api/v1/reports/presentations/${row.presentationId}`);
    type Entry = { name: string; joinedAt: string; leftAt: string | null; leaveReason: string | null };
    const byName = new Map<string, Entry>(detail.body.attendees.map((a: Entry) => [a.name, a]));
    const bruno = byName.get('Bruno')!;
    assert.ok(bruno.joinedAt && bruno.leftAt && bruno.leaveReason === 'left', JSON.stringify(bruno));
    assert.equal(byName.get('Chloé')!.leaveReason, 'removed');
    assert.deepEqual(detail.body.events.filter((e: { kind: string }) => ['paused', 'resumed', 'removed'].includes(e.kind)).map((e: { kind: string }) => e.kind), ['paused', 'resumed', 'removed']);
    assert.deepEqual([...byName.keys()].sort(), names);

    const admin = await newPage(w.browser);
    await loginViaUi(admin.page, w.broker.url, 'admin', ADMIN_PASSWORD);
    await admin.page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Reports' }).click();
    await admin.page.getByRole('link', { name: 'Presentation reports' }).click();
    await admin.page.getByRole('heading', { name: 'Presentation reports', level: 1 }).waitFor();
    // The period: today, one day (the site's zone is UTC by default).
    await admin.page.getByLabel('Start date').fill(new Date().toISOString().slice(0, 10));
    await admin.page.getByLabel('Number of days').fill('1');
    await admin.page.getByRole('button', { name: 'Run report' }).click();
    const table = admin.page.getByRole('table', { name: 'Presentations started in the period' });
    await table.getByRole('row').filter({ hasText: 'Démo trois' }).getByRole('cell', { name: 'Hélène Présente' }).waitFor();
    // By keyboard: the detail link takes the focus and Enter opens it.
    await admin.page.getByRole('link', { name: 'Details of the presentation “Démo trois”' }).focus();
    await admin.page.keyboard.press('Enter');
    await admin.page.getByRole('heading', { name: 'Details of the presentation “Démo trois”', level: 1 }).waitFor();
    const people = admin.page.getByRole('table', { name: 'Attendees with their join and leave times' });
    /** ":MM:SS" of an instant in the site's zone, however the language writes the rest. */
    const minSec = (iso: string) => {
      const d = new Date(iso);
      return `:${String(d.getUTCMinutes()).padStart(2, '0')}:${String(d.getUTCSeconds()).padStart(2, '0')}`;
    };
    assert.equal(detail.body.timeZone, 'UTC');
    for (const name of names) {
      const cells = await people.getByRole('row').filter({ has: admin.page.getByRole('rowheader', { name, exact: true }) }).getByRole('cell').allTextContents();
      const e = byName.get(name)!;
      assert.ok(cells[1]!.includes(minSec(e.joinedAt)), `${name} joined ${cells[1]} vs ${e.joinedAt}`);
      if (e.leftAt) assert.ok(cells[2]!.includes(minSec(e.leftAt)), `${name} left ${cells[2]} vs ${e.leftAt}`);
    }
    const brunoCells = await people.getByRole('row').filter({ has: admin.page.getByRole('rowheader', { name: 'Bruno' }) }).getByRole('cell').allTextContents();
    assert.equal(brunoCells[3], 'left');
    await admin.page.getByRole('table', { name: 'Every event of the presentation' }).getByRole('cell', { name: 'Bonjour de Chloé' }).waitFor();
    assert.deepEqual(admin.errors, []);

    assert.deepEqual(repErrors, []);
    for (const a of attendees) assert.deepEqual(a.errors, []);
  });
});

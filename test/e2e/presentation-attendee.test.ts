// An attendee in Chromium (CON-9, POR-2, POR-7, REP-6): from the portal's presentation list, with a
// name, nothing installed, the presenter's screen decoded by WebCodecs onto the page's canvas,
// chat both ways, leave; the presentation report then has the join and leave times. The presenter
// here is console-core's PresenterClient under Node replaying real VP8 frames (ffmpeg libvpx of a
// solid colour), not the console's own capture: that part (getDisplayMedia in the Present tab) is
// not covered by this test.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loginViaUi, newPage, startE2e, type E2eWorld } from '../support/browser.ts';
import { ADMIN_PASSWORD, createRep } from '../support/broker.ts';
import { presenter, presenterToken } from '../support/presentations.ts';

/** 30 VP8 frames of a solid orange 320×240 picture, the first a key frame (IVF parsed). */
function orangeFrames(): Uint8Array[] {
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-vp8-'));
  const file = join(dir, 'o.ivf');
  const r = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=0xff8000:size=320x240:rate=30', '-t', '1', '-c:v', 'libvpx', '-g', '1000', '-f', 'ivf', '-y', file]);
  assert.equal(r.status, 0, String(r.stderr));
  const b = readFileSync(file);
  rmSync(dir, { recursive: true, force: true });
  const frames: Uint8Array[] = [];
  for (let off = b.readUInt16LE(6); off + 12 <= b.length; ) {
    const size = b.readUInt32LE(off);
    frames.push(new Uint8Array(b.subarray(off + 12, off + 12 + size)));
    off += 12 + size;
  }
  return frames;
}

describe('e2e: a presentation attendee in the browser', () => {
  let w: E2eWorld;
  before(async () => {
    w = await startE2e();
  });
  after(async () => {
    await w.close();
  });

  it('CON-9, POR-2: an attendee joins from the portal list, sees the screen (pixels), chats, leaves; REP-6 shows join and leave times', async () => {
    const rep = await createRep(w.admin, { displayName: 'Iris Présente' });
    const p = presenter(w.broker, await presenterToken(w.broker, rep.username, rep.password));
    const info = await p.start({ name: 'Démo orange', listed: true, format: { codec: 'vp8', width: 320, height: 240 } });
    const frames = orangeFrames();
    // Replays the stream from its key frame whenever one is asked for, at about 30 fps.
    let i = 0;
    let hooked: object | null = null;
    const timer = setInterval(() => {
      const ch = p.channel;
      if (!ch) return;
      if (hooked !== ch) {
        hooked = ch;
        ch.onKeyFrameRequest(() => (i = 0));
      }
      ch.writeLatest(frames[i % frames.length === 0 ? 0 : i % frames.length]!, { key: i % frames.length === 0 });
      i = (i + 1) % frames.length;
    }, 33);
    try {
      const { page, errors } = await newPage(w.browser);
      await page.goto(`${w.broker.url}/`);
      await page.getByLabel('Your name', { exact: true }).fill('Zoé');
      await page.getByRole('button', { name: 'Join “Démo orange”' }).click();
      await page.getByRole('heading', { name: 'Démo orange' }).waitFor();
      await page.getByRole('img', { name: 'Screen shared by Iris Présente' }).waitFor();
      // The canvas shows the presenter's picture: orange in the middle once decoded.
      const rgb = await page.waitForFunction(() => {
        const c = document.querySelector('canvas');
        if (!c || c.width < 100) return null;
        const d = c.getContext('2d')!.getImageData(c.width / 2, c.height / 2, 1, 1).data;
        return d[0]! > 200 && d[1]! > 90 && d[1]! < 170 && d[2]! < 60 ? [d[0], d[1], d[2]] : null;
      }, undefined, { timeout: 15_000 });
      assert.ok(await rgb.jsonValue());
      // Chat: the attendee's line reaches the presenter, the presenter's shows on the page.
      const heard = new Promise<string>((r) => p.events.on((e) => e.type === 'chat' && e.line.from.kind === 'attendee' && r(e.line.text)));
      await page.getByLabel('Message').fill('Bonjour Iris');
      await page.getByRole('button', { name: 'Send' }).click();
      assert.equal(await heard, 'Bonjour Iris');
      p.chat('Bienvenue Zoé');
      await page.getByText('Bienvenue Zoé').waitFor();
      await page.getByRole('button', { name: 'Leave the presentation' }).click();
      await new Promise<void>((r) => {
        const off = p.events.on((e) => e.type === 'attendees' && e.attendees.length === 0 && (off(), r()));
        if (p.attendeeList.length === 0) r();
      });
      assert.deepEqual(errors, []);
      p.end();
      await new Promise<void>((r) => p.events.on((e) => e.type === 'ended' && r()));
      const report = await w.admin.get(`/api/v1/reports/presentations/${info.presentationId}`);
      const zoe = report.body.attendees.find((a: { name: string }) => a.name === 'Zoé');
      assert.ok(zoe.joinedAt && zoe.leftAt && zoe.leaveReason === 'left', JSON.stringify(zoe));
    } finally {
      clearInterval(timer);
      p.dispose();
    }
  });

  it('REP-6: the presentation reports in French: the period, the list, the detail with the attendee\'s join and leave and the reason in words', async () => {
    // The first test's presentation ("Démo orange", Zoé joined and left) is in the report.
    const { page: fr, errors } = await newPage(w.browser, 'fr-FR');
    await fr.goto(`${w.broker.url}/login`);
    await fr.getByLabel("Nom d'utilisateur").fill('admin');
    await fr.getByLabel('Mot de passe', { exact: true }).fill(ADMIN_PASSWORD);
    await fr.getByRole('button', { name: 'Se connecter' }).click();
    await fr.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Rapports' }).click();
    await fr.getByRole('link', { name: 'Rapports de présentation' }).click();
    await fr.getByRole('heading', { name: 'Rapports de présentation', level: 1 }).waitFor();
    await fr.getByRole('group', { name: 'Période' }).getByLabel('Date de début').fill(new Date().toISOString().slice(0, 10));
    await fr.getByLabel('Nombre de jours').fill('1');
    await fr.getByRole('button', { name: 'Lancer le rapport' }).click();
    const table = fr.getByRole('table', { name: 'Présentations démarrées dans la période' });
    await table.getByRole('row').filter({ hasText: 'Démo orange' }).getByRole('cell', { name: 'terminée par le présentateur' }).waitFor();
    await table.getByRole('link', { name: 'Détails de la présentation « Démo orange »' }).click();
    await fr.getByRole('heading', { name: 'Détails de la présentation « Démo orange »', level: 1 }).waitFor();
    const people = fr.getByRole('table', { name: 'Participants avec leurs heures d’arrivée et de départ' });
    const zoe = await people.getByRole('row').filter({ has: fr.getByRole('rowheader', { name: 'Zoé' }) }).getByRole('cell').allTextContents();
    assert.equal(zoe[3], 'est parti');
    assert.match(zoe[1]!, /\d{2}:\d{2}:\d{2}/, 'joined to the second');
    assert.match(zoe[2]!, /\d{2}:\d{2}:\d{2}/, 'left to the second');
    await fr.getByRole('table', { name: 'Tous les événements de la présentation' }).getByRole('cell', { name: 'a rejoint', exact: true }).first().waitFor();
    // Back to the list by keyboard, the period kept in the address.
    await fr.getByRole('link', { name: 'Retour à la liste' }).focus();
    await fr.keyboard.press('Enter');
    await table.waitFor();
    assert.match(fr.url(), /reports\/presentations\?from=\d{4}-\d{2}-\d{2}&days=1$/);
    assert.deepEqual(errors, []);
  });

  it('POR-2: the administrator hides the presentation list on the Support Portal page; the portal then offers only the key, which still joins', async () => {
    const rep = await createRep(w.admin, { displayName: 'Yann Caché' });
    const p = presenter(w.broker, await presenterToken(w.broker, rep.username, rep.password));
    const info = await p.start({ name: 'Démo cachée', listed: true, format: { codec: 'vp8', width: 320, height: 240 } });
    try {
      const admin = await newPage(w.browser);
      await loginViaUi(admin.page, w.broker.url, 'admin', ADMIN_PASSWORD);
      await admin.page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Support Portal' }).click();
      const methods = admin.page.getByRole('form', { name: 'Session start methods' });
      await methods.getByLabel(/^Show the list of presentations/).uncheck();
      await methods.getByRole('button', { name: 'Save' }).click();
      await methods.getByRole('status').waitFor();
      assert.equal((await w.admin.get('/api/v1/portal/settings')).body.showPresentationList, false);

      const { page, errors } = await newPage(w.browser);
      await page.goto(`${w.broker.url}/`);
      await page.getByRole('heading', { name: 'Presentations' }).waitFor();
      await page.getByLabel('Presentation key').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Join “Démo cachée”' }).count(), 0);
      assert.equal(await page.getByText('No presentation is running right now.').count(), 0);
      await page.getByLabel('Your name', { exact: true }).fill('Inès');
      await page.getByLabel('Presentation key').fill(info.key);
      await page.getByRole('button', { name: 'Join', exact: true }).click();
      await page.getByRole('heading', { name: 'Démo cachée' }).waitFor();
      assert.deepEqual([...errors, ...admin.errors], []);
    } finally {
      await w.admin.patch('/api/v1/portal/settings', { showPresentationList: true });
      p.end();
      p.dispose();
    }
  });
});

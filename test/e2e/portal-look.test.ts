// The Support Portal page's banners (POR-6, POR-7) and site look (POR-8) in Chromium: upload with a
// preview, a refusal with its reason (French and English), revert, and what customers then see.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createRep } from '../support/broker.ts';
import { goodBanner, hostileBanners, tinyPng } from '../support/bmp-fixtures.ts';
import { CustomerProcess } from '../support/customer-client.ts';
import { ADMIN_PASSWORD, loginViaUi, newPage, startE2e, type E2eWorld } from '../support/browser.ts';
import { repConsole, type RepSocket } from '../support/sessions.ts';

/** A style read after a re-render: polled until it is the value expected, or 5 s; returns the last value read. */
async function settled(read: () => Promise<string>, expected: string): Promise<string> {
  const deadline = Date.now() + 5000;
  let v = await read();
  while (v !== expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    v = await read();
  }
  return v;
}

/** The RGBA of one pixel of an <img> on the page, drawn to a canvas in the page. */
function pixelOf(page: Page, selector: string, x: number, y: number): Promise<number[]> {
  return page.locator(selector).evaluate(async (img: HTMLImageElement, [px, py]) => {
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const g = c.getContext('2d')!;
    g.drawImage(img, 0, 0);
    return Array.from(g.getImageData(px!, py!, 1, 1).data);
  }, [x, y]);
}

describe('e2e: banners and the site look', () => {
  let w: E2eWorld;
  let rep: Awaited<ReturnType<typeof createRep>>;
  let repWs: RepSocket;
  const dir = tmpdir();

  before(async () => {
    w = await startE2e();
    rep = await createRep(w.admin, { displayName: 'Rita Support' });
    repWs = await repConsole(w.broker, rep);
  });
  after(async () => {
    await repWs.close();
    await rep.api.close();
    await w.close();
  });

  it('POR-6, POR-7: the admin previews a banner, uploads it, sees a hostile one refused with its reason, reverts; the web chat shows the session\'s banner', async () => {
    // Red on the left half, blue on the right: easy to recognise in pixels.
    const palette: [number, number, number][] = [[200, 0, 0], [0, 0, 200]];
    const file = goodBanner(40, (x) => (x < 240 ? 0 : 1), palette);
    const goodPath = join(dir, `banner-${process.pid}.bmp`);
    writeFileSync(goodPath, file);
    const hostile = hostileBanners().find((h) => h.reason === 'wrong_depth')!;
    const badPath = join(dir, `banner24-${process.pid}.bmp`);
    writeFileSync(badPath, hostile.file);

    const { page, ctx, errors } = await newPage(w.browser);
    await loginViaUi(page, w.broker.url, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Support Portal' }).click();
    const section = page.getByRole('region', { name: 'Customer client :: Chat window banner' });
    await section.getByRole('img', { name: 'Banner in use (default)' }).waitFor();

    await section.getByLabel('Choose the file').setInputFiles(badPath);
    await section.getByRole('img', { name: 'Preview of the chosen file' }).waitFor();
    await section.getByRole('button', { name: 'Upload' }).click();
    await section.getByRole('alert').getByText('Banner refused: The bitmap must be 8-bit (256 colours).').waitFor();
    await section.getByRole('alert').getByText(/24 bits per pixel/).waitFor();

    await section.getByLabel('Choose the file').setInputFiles(goodPath);
    const preview = section.getByRole('img', { name: 'Preview of the chosen file' });
    await preview.waitFor();
    assert.equal(await preview.evaluate((i: HTMLImageElement) => i.decode().then(() => i.naturalWidth)), 480);
    await section.getByRole('button', { name: 'Upload' }).click();
    await section.getByRole('status').getByText('Banner uploaded. New sessions will use it.').waitFor();
    await section.getByRole('img', { name: 'Banner in use', exact: true }).waitFor();
    // The presentation banner is separate and still the default.
    await page.getByRole('region', { name: 'Presentation attendee :: Chat window banner' }).getByRole('img', { name: 'Banner in use (default)' }).waitFor();
    await page.screenshot({ path: join(dir, 'h12-banners.png'), fullPage: true });

    // A web chat started now shows the uploaded banner, pixel for pixel.
    await w.admin.patch('/api/v1/portal/settings', { clickToChat: true });
    try {
      const customer = await newPage(w.browser);
      await customer.page.goto(w.broker.url + '/');
      await customer.page.getByRole('button', { name: 'Rita Support' }).click();
      const banner = customer.page.getByRole('img', { name: 'Support banner' });
      await banner.waitFor();
      assert.deepEqual(await pixelOf(customer.page, 'img.chat-banner', 10, 10), [200, 0, 0, 255]);
      assert.deepEqual(await pixelOf(customer.page, 'img.chat-banner', 470, 30), [0, 0, 200, 255]);
      await customer.page.screenshot({ path: join(dir, 'h12-webchat-banner.png') });

      // Revert: the page says so, and the open web chat keeps its banner after a reload (resume).
      await section.getByRole('button', { name: 'Revert to default' }).click();
      await section.getByRole('status').getByText('The default banner is back.').waitFor();
      await section.getByRole('img', { name: 'Banner in use (default)' }).waitFor();
      await customer.page.reload();
      await customer.page.getByRole('img', { name: 'Support banner' }).waitFor();
      assert.deepEqual(await pixelOf(customer.page, 'img.chat-banner', 10, 10), [200, 0, 0, 255]);
      assert.deepEqual(customer.errors, []);
      await customer.ctx.close();
    } finally {
      await w.admin.patch('/api/v1/portal/settings', { clickToChat: false });
    }
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  it('POR-6: the page speaks French: sections, buttons and refusal reasons', async () => {
    const { page, ctx } = await newPage(w.browser, 'fr-FR');
    await page.goto(`${w.broker.url}/login`);
    await page.getByLabel("Nom d'utilisateur").fill('admin');
    await page.getByLabel('Mot de passe', { exact: true }).fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('link', { name: 'Portail d\'assistance' }).click();
    const section = page.getByRole('region', { name: 'Client d\'utilisateur :: Bannière de la fenêtre de messagerie instantanée' });
    await section.waitFor();
    const png = join(dir, `renamed-${process.pid}.bmp`);
    writeFileSync(png, hostileBanners().find((h) => h.reason === 'png_not_bmp')!.file);
    await section.getByLabel('Choisir le fichier').setInputFiles(png);
    await section.getByRole('button', { name: 'Transférer' }).click();
    await section.getByRole('alert').getByText('Bannière refusée : C\'est une image PNG renommée en .bmp.').waitFor();
    await ctx.close();
  });

  it('POR-8: the live preview follows the colours, the contrast check stops a low-contrast save, the portal and the web chat take the saved look', async () => {
    const { page, ctx, errors } = await newPage(w.browser);
    await loginViaUi(page, w.broker.url, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Support Portal' }).click();
    const look = page.getByRole('region', { name: 'Site look: logo and colours' });
    const preview = look.getByTestId('look-preview');
    const bg = (sel: string) => preview.locator(sel).evaluate((e) => getComputedStyle(e).backgroundColor);

    await look.getByLabel('Header band', { exact: true }).fill('#8a1538');
    assert.equal(await settled(() => bg('.look-preview-header'), 'rgb(138, 21, 56)'), 'rgb(138, 21, 56)');
    await look.getByLabel('Text', { exact: true }).fill('#b0b0b0');
    const contrast = look.getByRole('list', { name: 'Contrast check (WCAG AA)' });
    await contrast.getByText(/Text on the page: 2[.,]\d\d:1 \(needs 4\.50:1\) — fails/).waitFor();
    await look.getByRole('alert').getByText('Fix the contrast first: 1 pair(s) fail WCAG AA.').waitFor();
    assert.equal(await look.getByRole('button', { name: 'Save the look' }).isDisabled(), true);
    await look.getByLabel('Text', { exact: true }).fill('#202020');
    await contrast.getByText(/Text on the page: 15[.,]\d\d:1 \(needs 4\.50:1\) — passes/).waitFor();
    await look.getByLabel('Site name (English)').fill('Acme help desk');
    await look.getByLabel('Site name (French)').fill('Assistance Acme');
    await look.getByRole('button', { name: 'Save the look' }).click();
    await look.getByRole('status').getByText('Saved. The portal uses the new look.').waitFor();
    await page.screenshot({ path: join(dir, 'h12-site-look.png'), fullPage: true });

    // The public portal, in English and in French, in other browsers.
    for (const [locale, name] of [['en-US', 'Acme help desk'], ['fr-FR', 'Assistance Acme']] as const) {
      const visitor = await newPage(w.browser, locale);
      await visitor.page.goto(w.broker.url + '/');
      const header = visitor.page.locator('.site-header');
      await header.getByText(name).waitFor();
      assert.equal(await settled(() => header.evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(138, 21, 56)'), 'rgb(138, 21, 56)');
      assert.equal(await visitor.page.locator('body').evaluate(() => getComputedStyle(document.documentElement).color), 'rgb(32, 32, 32)');
      if (locale === 'en-US') await visitor.page.screenshot({ path: join(dir, 'h12-portal-look.png') });
      assert.deepEqual(visitor.errors, []);
      await visitor.ctx.close();
    }
    await look.getByRole('button', { name: 'Back to the default look' }).click();
    await look.getByRole('status').getByText('The default look is back.').waitFor();
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  it('POR-8: the customer client\'s own chat window takes the saved look: header colours, the site name per language, the logo', async () => {
    const colours = { background: '#fffdf5', text: '#202020', accent: '#0b5d1e', accentText: '#ffffff', header: '#0b5d1e', headerText: '#ffffff' };
    assert.equal((await w.admin.put('/api/v1/portal/look', { colours, title: { en: 'Green desk', fr: 'Bureau vert' } })).status, 200);
    assert.equal((await w.admin.upload('/api/v1/portal/look/logo', tinyPng(90, 30), 'image/png')).status, 200);
    const client = new CustomerProcess(['--broker', w.broker.url, '--connect', '--pin', w.broker.fingerprint, '--name', 'Léa']);
    try {
      const url = (await client.line(/^Chat window: (http:\/\/127\.0\.0\.1:\d+\/\S+\/)$/))[1]!;
      for (const [locale, name] of [['en-US', 'Green desk'], ['fr-FR', 'Bureau vert']] as const) {
        const chat = await newPage(w.browser, locale);
        await chat.page.goto(url);
        const header = chat.page.getByRole('banner');
        await header.getByText(name, { exact: true }).waitFor();
        assert.equal(await settled(() => header.evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(11, 93, 30)'), 'rgb(11, 93, 30)');
        assert.equal(await header.evaluate((e) => getComputedStyle(e).color), 'rgb(255, 255, 255)');
        assert.equal(await chat.page.locator('body').evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(255, 253, 245)');
        assert.equal(await chat.page.locator('#logo').evaluate(async (i: HTMLImageElement) => (await i.decode(), i.naturalWidth)), 90);
        assert.equal(await chat.page.title(), name);
        assert.deepEqual(chat.errors, []);
        await chat.ctx.close();
      }
    } finally {
      await client.stop();
      await w.admin.delete('/api/v1/portal/look');
    }
  });
});

// The site look API (POR-8): colours checked for WCAG AA contrast by the broker, titles as plain
// text, a PNG logo checked by its header; bad inputs refused with typed errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contrastChecks, contrastRatio, defaultSiteColours, SITE_LOOK_CSS_VARIABLES } from '../../src/protocol/portal-look.ts';
import { ApiClient, createRep, type TestBroker, brokerWithAdmin } from '../support/broker.ts';
import { goodBanner, tinyPng } from '../support/bmp-fixtures.ts';
import { CustomerProcess } from '../support/customer-client.ts';
import { fetchBytes, pageUpdate } from '../support/chat-page.ts';

describe('site look (POR-8)', () => {
  let broker: TestBroker;
  let admin: ApiClient;

  brokerWithAdmin((b, a) => ((broker = b), (admin = a)));

  it('POR-8: the contrast ratio is WCAG\'s: black on white 21, equal colours 1, #767676 on white just passes AA, #777777 just fails', () => {
    assert.equal(contrastRatio('#000000', '#ffffff'), 21);
    assert.equal(contrastRatio('#1f5fa8', '#1f5fa8'), 1);
    assert.ok(contrastRatio('#767676', '#ffffff') >= 4.5);
    assert.ok(contrastRatio('#777777', '#ffffff') < 4.5);
    assert.ok(contrastChecks(defaultSiteColours).every((c) => c.ok), 'the default look passes');
  });

  it('POR-8: anyone reads the look; an admin changes colours and titles; the portal serves them', async () => {
    const stranger = new ApiClient(broker);
    const first = await stranger.get('/api/v1/portal/look');
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.colours, defaultSiteColours);
    assert.equal(first.body.logo, null);
    const colours = { background: '#FFFFFF', text: '#222222', accent: '#8a1538', accentText: '#ffffff', header: '#8a1538', headerText: '#ffffff' };
    const res = await admin.put('/api/v1/portal/look', { colours, title: { en: 'Acme help desk', fr: 'Assistance Acme' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.colours.background, '#ffffff', 'colours are kept in lower case');
    const seen = await stranger.get('/api/v1/portal/look');
    assert.equal(seen.body.title.fr, 'Assistance Acme');
    assert.equal(seen.body.colours.accent, '#8a1538');
    await stranger.close();
  });

  it('POR-8: colours that fail WCAG AA are refused with the pair and its ratio; the look stays as it was', async () => {
    const before = (await admin.get('/api/v1/portal/look')).body;
    const res = await admin.put('/api/v1/portal/look', { colours: { ...defaultSiteColours, text: '#aaaaaa', background: '#ffffff' } });
    assert.equal(res.status, 422);
    assert.equal(res.body.error.code, 'contrast_too_low');
    assert.match(res.body.error.message, /#aaaaaa on #ffffff is 2\.32:1; WCAG AA needs 4\.5:1/);
    assert.equal(res.body.error.details.failing[0].pair, 'text_on_background');
    const buttons = await admin.put('/api/v1/portal/look', { colours: { ...defaultSiteColours, accent: '#eef1f4' } });
    assert.equal(buttons.body.error.code, 'contrast_too_low');
    assert.deepEqual((await admin.get('/api/v1/portal/look')).body, before);
  });

  it('POR-8: bad inputs get typed errors: not a colour, unknown fields, markup in titles, non-admins', async () => {
    for (const body of [
      { colours: { ...defaultSiteColours, text: 'red' } },
      { colours: { ...defaultSiteColours, text: '#12345' } },
      { colours: { ...defaultSiteColours, text: 'expression(alert(1))' } },
      { colours: { background: '#ffffff' } },
      { title: { en: '<script>alert(1)</script>', fr: 'x' } },
      { title: { en: 'x'.repeat(81), fr: 'x' } },
      { font: 'Comic Sans' },
    ]) {
      const res = await admin.put('/api/v1/portal/look', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'validation_failed');
    }
    const rep = await createRep(admin);
    assert.equal((await rep.api.put('/api/v1/portal/look', { title: { en: 'Mine', fr: 'À moi' } })).status, 403);
    assert.equal((await rep.api.upload('/api/v1/portal/look/logo', tinyPng(), 'image/png')).status, 403);
    await rep.api.close();
  });

  it('POR-8: the logo is a PNG checked by its header; a BMP, a huge PNG or nothing are refused', async () => {
    const bmp = await admin.upload('/api/v1/portal/look/logo', goodBanner(), 'image/png');
    assert.equal(bmp.status, 422);
    assert.equal(bmp.body.error.details.reason, 'not_png');
    const huge = await admin.upload('/api/v1/portal/look/logo', tinyPng(5000, 1), 'image/png');
    assert.equal(huge.body.error.details.reason, 'too_large');
    const empty = await admin.upload('/api/v1/portal/look/logo', new Uint8Array(0), 'image/png');
    assert.equal(empty.body.error.details.reason, 'empty');
    const cut = await admin.upload('/api/v1/portal/look/logo', tinyPng(10, 10).subarray(0, 20), 'image/png');
    assert.equal(cut.body.error.details.reason, 'truncated');

    const ok = await admin.upload('/api/v1/portal/look/logo', tinyPng(120, 40), 'image/png');
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.logo.width, 120);
    const img = await admin.get(ok.body.logo.url);
    assert.equal(img.headers.get('content-type'), 'image/png');

    const reset = await admin.delete('/api/v1/portal/look');
    assert.equal(reset.body.logo, null);
    assert.deepEqual(reset.body.colours, defaultSiteColours);
  });

  it('POR-8: the customer client\'s own chat page takes the site look (colours, name, logo) fetched with its pin', async () => {
    const colours = { background: '#fffdf5', text: '#202020', accent: '#0b5d1e', accentText: '#ffffff', header: '#0b5d1e', headerText: '#ffffff' };
    assert.equal((await admin.put('/api/v1/portal/look', { colours, title: { en: 'Green desk', fr: 'Bureau vert' } })).status, 200);
    const logo = tinyPng(90, 30);
    assert.equal((await admin.upload('/api/v1/portal/look/logo', logo, 'image/png')).status, 200);
    const p = new CustomerProcess(['--broker', broker.url, '--connect', '--pin', broker.fingerprint, '--name', 'Léa', '--no-browser']);
    try {
      const page = (await p.line(/^Chat window: (http:\/\/127\.0\.0\.1:\d+\/\S+\/)$/))[1]!;
      const look = await pageUpdate(page, 'look');
      assert.deepEqual(look.colours, colours);
      assert.deepEqual(look.title, { en: 'Green desk', fr: 'Bureau vert' });
      assert.deepEqual(look.logo, { width: 90, height: 30 });
      const served = await fetchBytes(`${page}logo.png`);
      assert.equal(served.status, 200);
      assert.equal(served.type, 'image/png');
      assert.deepEqual(new Uint8Array(served.body), new Uint8Array(logo));
      // The page's style reads the look's variables (the script sets them from the update).
      const css = (await fetchBytes(`${page}app.css`)).body.toString();
      for (const v of ['--bg', '--text', '--accent', '--accent-text', '--header', '--header-text']) assert.ok(css.includes(`var(${v},`), v);
      const js = (await fetchBytes(`${page}app.js`)).body.toString();
      for (const [v, key] of SITE_LOOK_CSS_VARIABLES) assert.ok(js.includes(JSON.stringify([v, key])), v); // the e2e checks them applied

    } finally {
      await p.stop();
      await admin.delete('/api/v1/portal/look');
    }
  });
});

// The Status page in Chromium: site facts (STA-3, STA-5), the time zone every date follows
// (STA-1), the logged-in reps (STA-6) and terminating one (STA-7).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createRep } from '../support/broker.ts';
import { ADMIN_PASSWORD, loginViaUi, newPage, startE2e, type E2eWorld } from '../support/browser.ts';

describe('e2e: Status page', () => {
  let w: E2eWorld;
  let page: Page;
  let errors: string[];
  before(async () => {
    w = await startE2e();
    ({ page, errors } = await newPage(w.browser));
    await loginViaUi(page, w.broker.url, 'admin', ADMIN_PASSWORD);
  });
  after(async () => {
    assert.deepEqual(errors, []);
    await w.close();
  });

  it('STA-3/STA-5: shows licences, the client host name, the certificate and the version', async () => {
    const status = (await w.admin.get('/api/v1/site/status')).body;
    await page.getByRole('heading', { name: 'Status', level: 1 }).waitFor();
    await page.getByText(`of ${status.licences.namedUsersAllowed} allowed`).first().waitFor();
    await page.getByText(status.certificateFingerprint).waitFor();
    await page.getByText(status.version, { exact: true }).waitFor();
    const host = page.getByRole('form', { name: 'Client software connects to' }).getByRole('textbox');
    assert.equal(await host.inputValue(), status.settings.clientHostName);
    await host.fill('support.example.org');
    await page.getByRole('form', { name: 'Client software connects to' }).getByRole('button', { name: 'Save' }).click();
    await page.getByRole('form', { name: 'Client software connects to' }).getByRole('status').waitFor();
    assert.equal((await w.admin.get('/api/v1/site/status')).body.settings.clientHostName, 'support.example.org');
  });

  it('STA-1: dates follow the site time zone', async () => {
    const form = page.getByRole('form', { name: 'Time zone' });
    await form.getByRole('combobox').selectOption('Asia/Tokyo');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').waitFor();
    // The admin's own console connection is listed; its start shows in Tokyo time.
    const reps = (await w.admin.get('/api/v1/site/reps')).body.reps;
    const mine = reps.find((r: any) => r.username === 'admin');
    const expected = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Tokyo' }).format(new Date(mine.connectedAt));
    await page.getByRole('cell', { name: expected }).first().waitFor();
  });

  it('STA-7: an admin terminates a logged-in rep, whose console goes back to login', async () => {
    const rep = await createRep(w.admin, { username: 'dave', displayName: 'Dave Rep' });
    await rep.api.close();
    const repPage = await newPage(w.browser);
    await loginViaUi(repPage.page, w.broker.url, 'dave', rep.password);
    await repPage.page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();

    // The Status page refreshes itself: Dave appears without a reload.
    await page.getByRole('link', { name: 'Status' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Dave Rep' });
    await row.waitFor();
    await row.getByRole('button', { name: 'Terminate Dave Rep' }).click();
    const dialog = page.getByRole('dialog', { name: 'Terminate this console connection?' });
    await dialog.getByRole('button', { name: 'Terminate' }).click();
    await row.waitFor({ state: 'detached' });

    await repPage.page.getByRole('alert').filter({ hasText: 'An administrator ended your console connection' }).waitFor();
    await repPage.page.getByRole('button', { name: 'Log in' }).waitFor();
    assert.match(repPage.page.url(), /\/login$/);
    assert.deepEqual(repPage.errors, []);
    await repPage.ctx.close();
  });

  it('STA-1: a rep sees the time zone but cannot change it, and has no Terminate button', async () => {
    const rep = await createRep(w.admin, { username: 'erin', displayName: 'Erin' });
    await rep.api.close();
    const repPage = await newPage(w.browser);
    await loginViaUi(repPage.page, w.broker.url, 'erin', rep.password);
    // A rep lands on the queue (issue 9 item 8); Status is one click away.
    await repPage.page.getByRole('link', { name: 'Status' }).click();
    await repPage.page.getByText('Asia/Tokyo').waitFor();
    assert.equal(await repPage.page.getByRole('form', { name: 'Time zone' }).count(), 0);
    await repPage.page.getByRole('row').filter({ hasText: 'Erin' }).waitFor();
    assert.equal(await repPage.page.getByRole('button', { name: /^Terminate/ }).count(), 0);
    await repPage.ctx.close();
  });

  it('STA-4: restart asks for confirmation; a broker embedded in another program says to restart that', async () => {
    await page.getByRole('link', { name: 'Status' }).click();
    await page.getByRole('button', { name: 'Restart the software' }).click();
    const dialog = page.getByRole('dialog', { name: 'Restart the site software?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Restart the software' }).click();
    await dialog.getByRole('button', { name: 'Restart the software' }).click();
    await page.getByRole('alert').filter({ hasText: 'runs inside another program' }).waitFor();
  });

  it('the tabs follow the guide\'s order; the Jump Clients tab opens its list and wizard', async () => {
    const names = await page.getByRole('navigation', { name: 'Console' }).getByRole('link').allInnerTexts();
    // The guide's six tabs, in its order; the console's own areas (the queue) may sit beside them.
    const guide = ['status', 'my account', 'jump clients', 'users', 'reports', 'support portal'];
    assert.deepEqual(names.map((n) => n.toLowerCase()).filter((n) => guide.includes(n)), guide);
    await page.getByRole('link', { name: 'Jump Clients' }).click();
    await page.getByRole('heading', { level: 1, name: 'Jump Clients' }).waitFor();
    await page.getByRole('heading', { name: 'Mass deployment wizard' }).waitFor();
  });
});

describe('e2e: Status page, restart', () => {
  let w: E2eWorld;
  let restarted: () => void;
  const restartRequested = new Promise<void>((resolve) => (restarted = resolve));
  before(async () => {
    w = await startE2e({ broker: { onRestartRequested: () => restarted() } });
  });
  after(async () => {
    await w.close();
  });

  it('STA-4: an administrator restarts the software after confirming', async () => {
    const { page, ctx } = await newPage(w.browser);
    await loginViaUi(page, w.broker.url, 'admin', ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Restart the software' }).click();
    await page.getByRole('dialog', { name: 'Restart the site software?' }).getByRole('button', { name: 'Restart the software' }).click();
    await page.getByRole('status').filter({ hasText: 'Restart requested.' }).waitFor();
    await restartRequested;
    await ctx.close();
  });
});

// Two-step verification in Chromium (LOG-5): a rep turns it on in My Account and then logs in with
// a code; a site that requires it makes a new rep set it up before the console opens; an admin
// resets it for a lost phone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { totpCodeAt } from '../../src/broker/services/totp.ts';
import { createRep } from '../support/broker.ts';
import { ADMIN_PASSWORD, loginViaUi, newPage, startE2e, type E2eWorld } from '../support/browser.ts';

/** Sets up two-step verification from whichever page shows the setup form; returns the secret. */
async function setUpTotp(page: Page, password: string): Promise<string> {
  await page.getByRole('form', { name: 'Set up two-step verification' }).getByLabel('Current password').fill(password);
  await page.getByRole('button', { name: 'Set up two-step verification' }).click();
  await page.getByRole('img', { name: 'QR code to scan with an authenticator app' }).waitFor();
  const secret = (await page.getByRole('form', { name: 'Confirm two-step verification' }).locator('code').innerText()).trim();
  await page.getByLabel('Authentication code').fill(totpCodeAt(secret, new Date()));
  await page.getByRole('button', { name: 'Turn on' }).click();
  return secret;
}

/** Waits until the Users list shows `expected` ("Yes"/"No") in the Two-step column of `username`'s row. */
async function twoStepShown(page: Page, username: string, expected: 'Yes' | 'No'): Promise<void> {
  const table = page.getByRole('table', { name: 'User accounts' });
  const row = table.getByRole('row').filter({ has: page.getByRole('cell', { name: username, exact: true }) });
  await row.waitFor();
  const column = (await table.getByRole('columnheader').allTextContents()).map((h) => h.trim()).indexOf('Two-step');
  assert.notEqual(column, -1, 'LOG-5: the Users list has a Two-step column');
  await row.getByRole('cell').nth(column).filter({ hasText: new RegExp(`^\\s*${expected}\\s*$`) }).waitFor();
}

describe('e2e: two-step verification', () => {
  let w: E2eWorld;
  before(async () => {
    w = await startE2e();
  });
  after(async () => {
    await w.close();
  });

  it('LOG-5: a rep turns two-step verification on, then logs in with a code', async () => {
    const rep = await createRep(w.admin, { username: 'twostep', displayName: 'Two Step' });
    await rep.api.close();
    const { page, ctx, errors } = await newPage(w.browser);
    await loginViaUi(page, w.broker.url, 'twostep', rep.password);
    await page.getByRole('link', { name: 'My Account' }).click();
    const region = page.getByRole('region', { name: 'Two-step verification' });
    await region.getByText('Two-step verification is off.').waitFor();
    const secret = await setUpTotp(page, rep.password);
    await region.getByRole('status').filter({ hasText: 'Two-step verification is on.' }).waitFor();

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Username').fill('twostep');
    await page.getByLabel('Password', { exact: true }).fill(rep.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    const code = page.getByLabel('Authentication code');
    await code.fill('000000');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'That code is wrong' }).waitFor();
    // A code counts once: the next time step's code, which the broker accepts for clock drift.
    await code.fill(totpCodeAt(secret, new Date(Date.now() + 30_000)));
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('navigation', { name: 'Console' }).waitFor();
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  it('LOG-5: when the site requires it, every account sets it up before the console opens; an admin resets a lost one', async () => {
    const created = await w.admin.post('/api/v1/users', { username: 'newbie', displayName: 'Newbie', password: 'N3wbie!Pass' });
    assert.equal(created.status, 201);
    const adminPage = await newPage(w.browser);
    await loginViaUi(adminPage.page, w.broker.url, 'admin', ADMIN_PASSWORD);
    await adminPage.page.getByRole('link', { name: 'Users' }).click();
    await adminPage.page.getByRole('checkbox', { name: /Require two-step verification/ }).check();
    await adminPage.page.getByRole('button', { name: 'Save users settings' }).click();
    // The rule applies to the administrator too: the console asks for the setup at once.
    await adminPage.page.getByRole('heading', { name: 'Set up two-step verification' }).waitFor();
    await setUpTotp(adminPage.page, ADMIN_PASSWORD);
    await adminPage.page.getByRole('navigation', { name: 'Console' }).waitFor();

    const { page, ctx } = await newPage(w.browser);
    await page.goto(`${w.broker.url}/login`);
    await page.getByLabel('Username').fill('newbie');
    await page.getByLabel('Password', { exact: true }).fill('N3wbie!Pass');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Set up two-step verification' }).waitFor();
    // The console stays closed until it is set up.
    await page.goto(`${w.broker.url}/console/status`);
    await page.getByRole('heading', { name: 'Set up two-step verification' }).waitFor();
    await setUpTotp(page, 'N3wbie!Pass');
    await page.getByRole('navigation', { name: 'Console' }).waitFor();
    await ctx.close();

    await adminPage.page.getByRole('link', { name: 'Users' }).click();
    // LOG-5: the Users list says who has two-step verification on, and follows a reset.
    await twoStepShown(adminPage.page, 'newbie', 'Yes');
    await twoStepShown(adminPage.page, 'admin', 'Yes');
    await adminPage.page.getByRole('link', { name: 'Edit newbie' }).click();
    await adminPage.page.getByRole('checkbox', { name: /Reset two-step verification/ }).check();
    await adminPage.page.getByRole('button', { name: 'Save' }).click();
    await twoStepShown(adminPage.page, 'newbie', 'No');
    await adminPage.page.getByRole('link', { name: 'Edit newbie' }).click();
    await adminPage.page.getByRole('heading', { name: 'Edit newbie' }).waitFor();
    assert.equal(await adminPage.page.getByRole('checkbox', { name: /Reset two-step verification/ }).count(), 0, 'nothing left to reset');
    await adminPage.ctx.close();
  });
});

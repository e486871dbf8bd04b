// My Account in Chromium: password change with the policy's reasons (ACC-3), display name
// (ACC-4), security question (ACC-5).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createRep } from '../support/broker.ts';
import { loginViaUi, newPage, startE2e, type E2eWorld } from '../support/browser.ts';

describe('e2e: My Account page', () => {
  let w: E2eWorld;
  let page: Page;
  let errors: string[];
  let password: string;
  before(async () => {
    w = await startE2e();
    const rep = await createRep(w.admin, { username: 'carol', displayName: 'Carol' });
    await rep.api.close();
    password = rep.password;
    ({ page, errors } = await newPage(w.browser));
    await loginViaUi(page, w.broker.url, 'carol', password);
    await page.getByRole('link', { name: 'My Account' }).click();
    await page.getByRole('heading', { name: 'My Account', level: 1 }).waitFor();
  });
  after(async () => {
    assert.deepEqual(errors, []);
    await w.close();
  });

  const changePassword = async (current: string, next: string) => {
    const form = page.getByRole('form', { name: 'Change password' });
    await form.getByLabel('Current password').fill(current);
    await form.getByLabel('New password', { exact: true }).fill(next);
    await form.getByLabel('Confirm new password').fill(next);
    await form.getByRole('button', { name: 'Change password' }).click();
  };

  it('ACC-3: a weak password is refused with the reasons', async () => {
    await changePassword(password, 'weakpass');
    const alert = page.getByRole('alert').filter({ hasText: 'This password is refused.' });
    await alert.waitFor();
    await alert.getByText('It needs an upper-case letter.').waitFor();
    await alert.getByText('It needs a digit.').waitFor();
    await alert.getByText('It needs a special character.').waitFor();
    assert.equal(await alert.getByText('It needs a lower-case letter.').count(), 0, 'only the rules it breaks');
  });

  it('ACC-3: a wrong current password is refused', async () => {
    await changePassword('Not!TheR1ght', 'G00d!Enough');
    await page.getByRole('alert').filter({ hasText: 'The current password is wrong.' }).waitFor();
  });

  it('ACC-3: a strong password is accepted and the console stays logged in', async () => {
    await changePassword(password, 'G00d!Enough');
    await page.getByRole('status').filter({ hasText: 'Your password has been changed.' }).waitFor();
    // The broker closes the account's other consoles on a password change, not this one: the rep
    // stays listed as logged in.
    await page.getByRole('link', { name: 'Status' }).click();
    await page.getByRole('heading', { name: 'Status', level: 1 }).waitFor();
    await page.getByRole('row').filter({ hasText: '(carol)' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    assert.ok(page.url().endsWith('/console/status'), 'still in the console');
    password = 'G00d!Enough';
    await page.getByRole('link', { name: 'My Account' }).click();
  });

  it('ACC-4: the display name changes and shows in the header', async () => {
    await page.getByLabel('Display name', { exact: true }).fill('Carol Dupont');
    await page.getByRole('button', { name: 'Save display name' }).click();
    await page.getByText('Logged in as Carol Dupont').waitFor();
  });

  it('ACC-5: the security question needs the current password', async () => {
    const form = page.getByRole('form', { name: 'Change your security question' });
    await form.getByLabel('Security question').fill('Favourite colour?');
    await form.getByLabel('Security answer').fill('Blue');
    await form.getByLabel('Current password').fill('Wr0ng!Password');
    await form.getByRole('button', { name: 'Save security question' }).click();
    await form.getByRole('alert').filter({ hasText: 'The current password is wrong.' }).waitFor();
    await form.getByLabel('Current password').fill(password);
    await form.getByRole('button', { name: 'Save security question' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const me = (await w.admin.get('/api/v1/users?q=carol')).body.users[0];
    assert.equal(me.securityQuestion, 'Favourite colour?');
    assert.equal(me.hasSecurityQuestion, true);
  });

  it('ACC-1: the downloads section is there and does not pretend to offer files yet', async () => {
    await page.getByRole('heading', { name: 'Representative console' }).waitFor();
  });
});

// The Users page in Chromium: create a rep who then logs in (USR-2), search (USR-3), the
// own-account guard (USR-4), the attach-Jump-Clients rule (USR-12), and names shown as text.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createRep } from '../support/broker.ts';
import { ADMIN_PASSWORD, loginViaUi, newPage, startE2e, type E2eWorld } from '../support/browser.ts';

describe('e2e: Users page', () => {
  let w: E2eWorld;
  let page: Page;
  let errors: string[];
  before(async () => {
    w = await startE2e();
    ({ page, errors } = await newPage(w.browser));
    await loginViaUi(page, w.broker.url, 'admin', ADMIN_PASSWORD);
  });
  after(async () => {
    assert.deepEqual(errors, [], 'no uncaught errors in the admin page');
    await w.close();
  });

  const openUsers = async () => {
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
  };

  it('USR-2, CON-7, CON-10: an admin creates a rep who then logs in (the Users page opens inside the console)', async () => {
    await openUsers();
    // CON-10: an administration page is a tab of the console, beside the rep's own tabs.
    assert.match(new URL(page.url()).pathname, /^\/console\/users/);
    await page.getByRole('link', { name: 'Queue' }).waitFor();
    await page.getByRole('link', { name: 'Create new user' }).click();
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Display name').fill('Alice Martin');
    await page.getByLabel('Password', { exact: true }).fill('Al1ce!Passw0rd');
    await page.getByRole('checkbox', { name: 'Password never expires' }).uncheck();
    await page.getByLabel('Password expires on').fill('2031-12-31');
    await page.getByRole('checkbox', { name: 'File transfer (send and receive)' }).uncheck();
    await page.getByRole('checkbox', { name: 'Allowed to view support session reports' }).check();
    // CON-7: the shell has its own right, off for a new rep.
    assert.equal(await page.getByRole('checkbox', { name: 'Remote command shell' }).isChecked(), false);
    await page.getByRole('checkbox', { name: 'Remote command shell' }).check();
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('row').filter({ hasText: 'Alice Martin' }).waitFor();

    const created = (await w.admin.get('/api/v1/users?q=alice')).body.users[0];
    assert.equal(created.passwordExpiresOn, '2031-12-31');
    assert.equal(created.permissions.fileTransfer, false);
    assert.equal(created.permissions.viewReports, true);
    assert.equal(created.permissions.shell, true);

    const rep = await newPage(w.browser);
    await loginViaUi(rep.page, w.broker.url, 'alice', 'Al1ce!Passw0rd');
    await rep.page.getByText('Logged in as Alice Martin').waitFor();
    // A rep sees the rep tabs, and the Reports tab because of the permission; not Users.
    await rep.page.getByRole('link', { name: 'Reports' }).waitFor();
    assert.equal(await rep.page.getByRole('link', { name: 'Users' }).count(), 0);
    await rep.ctx.close();
  });

  it('USR-6: usernames are unique; a weak password is refused with the reasons', async () => {
    await openUsers();
    await page.getByRole('link', { name: 'Create new user' }).click();
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Display name').fill('Another Alice');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Create user' }).click();
    const refused = page.getByRole('alert').filter({ hasText: 'This password is refused.' });
    await refused.getByText('It needs at least 8 characters.').waitFor();
    await page.getByLabel('Password', { exact: true }).fill('An0ther!Alice');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('alert').filter({ hasText: 'This username is already taken.' }).waitFor();
    await page.getByRole('link', { name: 'Cancel' }).click();
  });

  it('USR-3: search finds users by username and display name', async () => {
    await createRep(w.admin, { username: 'bob42', displayName: 'Roberto Zed' }).then((r) => r.api.close());
    await openUsers();
    const search = page.getByRole('searchbox', { name: 'Search users' });
    await search.fill('roberto');
    await page.getByRole('row').filter({ hasText: 'bob42' }).waitFor();
    await page.getByRole('row').filter({ hasText: 'alice' }).waitFor({ state: 'detached' });
    await search.fill('bob4');
    await page.getByRole('row').filter({ hasText: 'Roberto Zed' }).waitFor();
    await search.fill('');
    await page.getByRole('row').filter({ hasText: 'alice' }).waitFor();
  });

  it('USR-4: deleting one\'s own account is refused; deleting another is confirmed first', async () => {
    await openUsers();
    await page.getByRole('button', { name: 'Delete admin' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this user?' });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('alert').filter({ hasText: 'You cannot delete your own account.' }).waitFor();
    await page.getByRole('row').filter({ hasText: 'Administrator' }).waitFor();

    await page.getByRole('button', { name: 'Delete bob42' }).click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('row').filter({ hasText: 'bob42' }).waitFor();
    await page.getByRole('button', { name: 'Delete bob42' }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('status').filter({ hasText: 'bob42 was deleted.' }).waitFor();
    assert.equal(await page.getByRole('row').filter({ hasText: 'bob42' }).count(), 0);
  });

  it('USR-12: attaching Jump Clients needs the all-groups Jump right', async () => {
    await openUsers();
    await page.getByRole('link', { name: 'Edit alice' }).click();
    const attach = page.getByRole('checkbox', { name: /Attach and detach Jump Clients/ });
    const manageAll = page.getByRole('checkbox', { name: 'Allowed to deploy, remove and modify Jump items in all Jump groups' });
    assert.equal(await attach.isDisabled(), true);
    await manageAll.check();
    await attach.check();
    await manageAll.uncheck();
    assert.equal(await attach.isChecked(), false, 'losing the all-groups right clears the attach right');
    assert.equal(await attach.isDisabled(), true);
    await page.getByRole('link', { name: 'Cancel' }).click();
  });

  it('a display name with <script> renders as text', async () => {
    const name = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
    await createRep(w.admin, { username: 'mallory', displayName: name }).then((r) => r.api.close());
    await openUsers();
    await page.getByRole('searchbox', { name: 'Search users' }).fill('mallory');
    await page.getByRole('cell', { name, exact: true }).waitFor();
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  });
});

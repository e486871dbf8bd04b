// My Account's console downloads in Chromium: the visitor's OS first, the others listed, a clear
// message where this site has no installer (ACC-1); the MSI command builder with its four options,
// the exact msiexec line, and the copy button (ACC-2).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { ConsoleReleases } from '../../src/broker/services/console-releases.ts';
import { createRep } from '../support/broker.ts';
import { loginViaUi, startE2e, type E2eWorld } from '../support/browser.ts';

const WINDOWS_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

describe('e2e: console downloads on My Account', () => {
  let w: E2eWorld;
  let ctx: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  let release: string;

  before(async () => {
    w = await startE2e();
    const rep = await createRep(w.admin, { username: 'dana', displayName: 'Dana' });
    await rep.api.close();
    ctx = await w.browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-US', userAgent: WINDOWS_UA, acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: w.broker.url });
    page = await ctx.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (e) => errors.push(e.message));
    await loginViaUi(page, w.broker.url, 'dana', rep.password);
    release = mkdtempSync(join(tmpdir(), 'pt-e2e-release-'));
    writeFileSync(join(release, 'Passerelle-0.2.0-x64.msi'), Buffer.alloc(4096, 1));
    writeFileSync(join(release, 'Passerelle-Setup-0.2.0.exe'), Buffer.alloc(2048, 2));
    writeFileSync(join(release, 'Passerelle_0.2.0_amd64.deb'), Buffer.alloc(1024, 3));
  });
  after(async () => {
    assert.deepEqual(errors, []);
    await ctx.close();
    await w.close();
    rmSync(release, { recursive: true, force: true });
  });

  const openMyAccount = async () => {
    await page.goto(`${w.broker.url}/console/my-account`);
    await page.getByRole('heading', { name: 'Representative console' }).waitFor();
  };

  it('ACC-1: a site with no console build says so, with no broken link', async () => {
    await openMyAccount();
    await page.getByText('No console installer has been published on this site yet.').waitFor();
    assert.equal(await page.locator('a[href^="/api/v1/downloads/"]').count(), 0);
  });

  it('ACC-1: the detected OS (Windows) is chosen; its installers download with their names; other platforms are listed', async () => {
    await new ConsoleReleases(w.broker.dataDir).publish(release, '0.2.0');
    await openMyAccount();
    const platform = page.getByLabel('Platform', { exact: true });
    assert.equal(await platform.inputValue(), 'windows');
    assert.equal(await platform.locator('option:checked').textContent(), 'Windows (detected)');
    const mine = page.getByRole('list', { name: 'Installers for Windows' });
    await mine.getByRole('link', { name: 'Download the Windows installer (MSI)' }).waitFor();
    assert.equal(await mine.getByRole('link').count(), 2);
    const [download] = await Promise.all([page.waitForEvent('download'), mine.getByRole('link', { name: 'Download the Windows installer (MSI)' }).click()]);
    assert.equal(download.suggestedFilename(), 'Passerelle-0.2.0-x64.msi');
    const others = page.getByRole('list', { name: 'Other platforms' });
    assert.equal(await others.getByRole('link', { name: 'Download the Linux package (.deb)' }).getAttribute('href'), '/api/v1/downloads/console/deb');
  });

  it('ACC-1: an OS with no installer on this site says so instead of linking nowhere', async () => {
    await page.getByLabel('Platform', { exact: true }).selectOption('macos');
    await page.getByText('No installer for macOS on this site.').waitFor();
    await page.getByLabel('Platform', { exact: true }).selectOption('linux');
    await page.getByRole('list', { name: 'Installers for Linux' }).getByRole('link', { name: 'Download the Linux package (.deb)' }).waitFor();
  });

  it('ACC-2: the MSI command follows the four options and is copied exactly', async () => {
    const command = page.getByTestId('msi-command');
    assert.equal(await command.textContent(), 'msiexec /i Passerelle-0.2.0-x64.msi /qn RUNATSTARTUP=0 ALLUSERS=1');
    assert.equal(await page.getByLabel('Update automatically (SHOULDAUTOUPDATE)').isDisabled(), true, 'all-users installs never self-update');
    await page.getByLabel('Install for (ALLUSERS)').selectOption('');
    await page.getByLabel('Update automatically (SHOULDAUTOUPDATE)').selectOption('1');
    await page.getByLabel('Start with Windows (RUNATSTARTUP)').selectOption('1');
    await page.getByLabel('Installation folder (INSTALLDIR, optional)').fill('C:\\Support Tools\\Passerelle');
    const expected = 'msiexec /i Passerelle-0.2.0-x64.msi /qn INSTALLDIR="C:\\Support Tools\\Passerelle" RUNATSTARTUP=1 ALLUSERS="" SHOULDAUTOUPDATE=1';
    assert.equal(await command.textContent(), expected);
    await page.getByRole('button', { name: 'Copy the command' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied.' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), expected);
    await page.getByLabel('Installation folder (INSTALLDIR, optional)').fill('Apps\\PT');
    await page.getByRole('alert').filter({ hasText: 'must be a full path' }).waitFor();
  });
});

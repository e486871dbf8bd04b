// The Jump Clients tab in Chromium (JMP-1, JMP-2, JMP-4, JMP-7, JMP-9): the mass deployment
// wizard (platform detected, group, tag, comments, validity, install count; the link, the command
// lines copied, the link emailed to two recipients through a real SMTP server), and the list
// (online/offline followed live, last seen, search, sort, edit, remove) with installed agents
// (the real agent code, in this process); JMP-10: attach and detach during an attended session
// with the real customer client process.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { jumpClientInfo, type JumpRunner } from '../../src/endpoint/jump/jump-runner.ts';
import { CustomerProcess } from '../support/customer-client.ts';
import { ADMIN_PASSWORD, loginViaUi, newPage, startE2e, type E2eWorld } from '../support/browser.ts';
import { cleanup, installAgent, runAgent, testInfo } from '../support/jump.ts';
import { mailText, startSmtp, type TestSmtp } from '../support/smtp.ts';

describe('e2e: Jump Clients tab', () => {
  let w: E2eWorld;
  let smtp: TestSmtp;
  let page: Page;
  let errors: string[];
  let keyInfo = '';
  const installers = mkdtempSync(join(tmpdir(), 'passerelle-e2e-jump-'));
  const roots: string[] = [];
  const runners: JumpRunner[] = [];

  before(async () => {
    writeFileSync(join(installers, 'passerelle-jump-linux-x64'), 'stand-in installer\n');
    w = await startE2e({ broker: { jumpInstallersDir: installers, jump: { heartbeatSeconds: 1 } } });
    smtp = await startSmtp();
    assert.equal((await w.admin.patch('/api/v1/site/smtp', { host: '127.0.0.1', port: smtp.port, secure: false, from: 'support@example.com' })).status, 200);
    const p = await newPage(w.browser);
    page = p.page;
    errors = p.errors;
    await p.ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: w.broker.url });
    await loginViaUi(page, w.broker.url, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Jump Clients' }).click();
    await page.getByRole('heading', { level: 1, name: 'Jump Clients' }).waitFor();
  });
  after(async () => {
    for (const r of runners) r.stop();
    await w.close();
    await smtp.close();
    rmSync(installers, { recursive: true, force: true });
    for (const r of roots) cleanup(r);
  });

  const table = () => page.getByRole('table', { name: 'Jump Clients' });
  const row = (host: string) => table().getByRole('row').filter({ has: page.getByRole('cell', { name: new RegExp(`^${host}`) }) });

  it('JMP-1, JMP-4, JMP-7: the wizard makes an installer for the detected platform, gives its link and command lines to copy, and emails the link to two recipients', async () => {
    await page.getByText('No Jump Client is installed yet').waitFor();
    const wizard = page.getByRole('region', { name: 'Mass deployment wizard' });
    const platform = wizard.getByRole('combobox', { name: 'Platform' });
    assert.equal(await platform.inputValue(), 'linux-x64');
    assert.match(await platform.locator('option:checked').innerText(), /Linux.*\(detected\)/);
    assert.equal(await wizard.getByRole('textbox', { name: 'Jump group' }).inputValue(), 'user:admin');
    await wizard.getByRole('textbox', { name: 'Tag' }).fill('caisses');
    await wizard.getByRole('textbox', { name: 'Comments' }).fill('Magasin de Lyon');
    await wizard.getByRole('combobox', { name: 'Installer valid for' }).selectOption({ label: '1 day' });
    await wizard.getByRole('spinbutton', { name: 'Number of installs allowed' }).fill('3');
    // Keyboard: the submit button is reached and pressed without the mouse.
    await wizard.getByRole('button', { name: 'Create the installer' }).focus();
    await page.keyboard.press('Enter');
    await wizard.getByRole('heading', { name: 'Installer ready' }).waitFor();
    await wizard.getByText(/For user:admin, valid until .*, 0 of 3 installs used/).waitFor();

    const link = await wizard.getByRole('textbox', { name: 'Installer link' }).inputValue();
    assert.ok(link.startsWith(`${w.broker.url}/download/jump/linux-x64?key=`), link);
    keyInfo = decodeURIComponent(new URL(link).searchParams.get('key')!);
    assert.equal(await wizard.getByRole('link', { name: 'Download the installer' }).getAttribute('href'), link);
    await wizard.getByRole('button', { name: 'Copy the link' }).click();
    await wizard.getByRole('status').filter({ hasText: 'Copied.' }).first().waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
    const install = wizard.getByLabel('Install', { exact: true });
    assert.match(await install.innerText(), /--install-dir "\$HOME\/.passerelle-jump" --jc-jump-group user:admin --jc-tag caisses --jc-comments "Magasin de Lyon"/);
    await wizard.getByRole('button', { name: 'Copy the command: Install', exact: true }).click();
    await page.waitForFunction((t) => navigator.clipboard.readText().then((c) => c === t), await install.innerText());

    // Bad addresses are named, nothing is sent; then two recipients get it.
    const recipients = wizard.getByRole('textbox', { name: 'Recipients' });
    await recipients.fill('marie@example.com, pas-une-adresse');
    await wizard.getByRole('button', { name: 'Send' }).click();
    await wizard.getByRole('alert').filter({ hasText: 'Not an email address: pas-une-adresse' }).waitFor();
    assert.equal(smtp.mails.length, 0);
    await recipients.fill('marie@example.com\npaul@example.org');
    await wizard.getByRole('textbox', { name: 'Message (optional)' }).fill('Please install it today');
    await wizard.getByRole('button', { name: 'Send' }).click();
    await wizard.getByRole('status').filter({ hasText: 'Sent to 2 recipient(s).' }).waitFor();
    const mail = await smtp.next();
    assert.deepEqual(mail.to.filter((a) => a !== 'support@example.com').sort(), ['marie@example.com', 'paul@example.org']);
    const text = mailText(mail.raw);
    assert.match(text, /Please install it today/);
    assert.ok(text.includes(link), 'the mail carries the link');
  });

  it('JMP-2, JMP-9: the list shows installed Jump Clients online or offline as they come and go, searches, sorts, edits tag and comments, and removes', async () => {
    assert.ok(keyInfo, 'the wizard test ran first');
    const a = await installAgent(w.broker, keyInfo, { info: testInfo('caisse-01') });
    const b = await installAgent(w.broker, keyInfo, { info: { ...testInfo('bureau-02'), os: 'Debian 12' } });
    roots.push(a.root, b.root);
    // Live: the rows appear and the one started goes online without reloading the page.
    await row('bureau-02').getByText('Offline').waitFor();
    const runner = await runAgent(a, 'caisse-01');
    runners.push(runner);
    await row('caisse-01').getByText('Online').first().waitFor();
    await page.getByRole('status').filter({ hasText: '1 online of 2' }).waitFor();
    const cells = await row('bureau-02').getByRole('cell').allInnerTexts();
    assert.equal(cells[2], 'user:admin');
    assert.equal(cells[3], 'caisses');
    assert.equal(cells[4], 'Magasin de Lyon');
    assert.equal(cells[5], 'Debian 12');
    assert.equal(cells[6], '0.1.0');
    assert.equal(cells[7], 'never');

    // Sort by host, both ways.
    const hosts = async () => (await table().locator('tbody tr td:nth-child(2) strong').allInnerTexts());
    await page.locator('table[aria-busy="false"]').waitFor();
    assert.deepEqual(await hosts(), ['bureau-02', 'caisse-01']);
    await table().getByRole('button', { name: 'Sort by Host' }).click();
    await page.locator('table[aria-busy="false"][data-jump-query="|hostName|desc"]').waitFor();
    assert.deepEqual(await hosts(), ['caisse-01', 'bureau-02']);
    assert.equal(await table().getByRole('columnheader', { name: /Host/ }).getAttribute('aria-sort'), 'descending');

    // Search.
    await page.getByRole('searchbox', { name: 'Search Jump Clients' }).fill('debian');
    await page.locator('table[aria-busy="false"][data-jump-query="debian|hostName|desc"]').waitFor();
    assert.deepEqual(await hosts(), ['bureau-02']);
    await page.getByRole('searchbox', { name: 'Search Jump Clients' }).fill('');

    // Edit tag and comments in the dialog (Escape cancels, then save).
    await row('bureau-02').getByRole('button', { name: 'Edit the tag and comments of bureau-02' }).click();
    const dialog = page.getByRole('dialog', { name: 'Tag and comments of bureau-02' });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await row('bureau-02').getByRole('button', { name: 'Edit the tag and comments of bureau-02' }).click();
    await dialog.getByRole('textbox', { name: 'Tag' }).fill('accueil');
    await dialog.getByRole('textbox', { name: 'Comments' }).fill('Poste de l’accueil');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'bureau-02 saved.' }).waitFor();
    await row('bureau-02').getByRole('cell', { name: 'accueil', exact: true }).waitFor();
    const listed = (await w.admin.get('/api/v1/jump-clients?q=bureau')).body.clients[0];
    assert.equal(listed.comments, 'Poste de l’accueil');

    // The online one stops: it goes offline live, with a last-seen time.
    runner.stop();
    await once(runner.agent, 'offline');
    await row('caisse-01').getByText('Offline').waitFor();
    assert.notEqual((await row('caisse-01').getByRole('cell').allInnerTexts())[7], 'never');

    // Remove, confirmed in a dialog: it is marked, and uninstalls itself when it next connects.
    await row('bureau-02').getByRole('button', { name: 'Remove bureau-02' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove bureau-02?' });
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('status').filter({ hasText: 'bureau-02 removed; it uninstalls itself.' }).waitFor();
    await row('bureau-02').getByText('Being removed').waitFor();
    const later = await (async () => {
      const { JumpRunner } = await import('../../src/endpoint/jump/jump-runner.ts');
      return new JumpRunner({ installDir: b.installDir, machineProof: b.proof, log: () => undefined });
    })();
    runners.push(later);
    const gone = once(later, 'uninstalled');
    later.start();
    await gone;
    assert.equal(existsSync(b.installDir), false);
    await row('bureau-02').waitFor({ state: 'detached' });
    assert.deepEqual(errors, []);
  });

  it('JMP-9: a jump from the list opens the unattended session in the Queue tab, the rep\'s at once; a chat line from the panel reaches the Jump Client', async () => {
    const i = await installAgent(w.broker, keyInfo, { info: testInfo('poste-jump') });
    roots.push(i.root);
    const { JumpRunner } = await import('../../src/endpoint/jump/jump-runner.ts');
    const lines: string[] = [];
    let heard: (line: string) => void = () => undefined;
    const runner = new JumpRunner({ installDir: i.installDir, machineProof: i.proof, info: testInfo('poste-jump'), log: (l) => (lines.push(l), heard(l)) });
    runners.push(runner);
    const online = once(runner.agent, 'online');
    runner.start();
    await online;
    await page.getByRole('link', { name: 'Jump Clients' }).click();
    await row('poste-jump').getByText('Online').first().waitFor();
    const chatHeard = new Promise<void>((resolve) => (heard = (l) => /chat from Administrator: Bonjour depuis la console/.test(l) && resolve()));
    // Keyboard: focus the row's Jump button and press Enter.
    await row('poste-jump').getByRole('button', { name: 'Jump to poste-jump' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/queue$/);
    const panel = page.getByRole('article');
    await panel.getByRole('heading', { name: /marie/ }).waitFor();
    await page.getByRole('region', { name: /My sessions/ }).getByText('marie').waitFor();
    await panel.getByRole('textbox', { name: 'Message' }).fill('Bonjour depuis la console');
    await panel.getByRole('button', { name: 'Send', exact: true }).click();
    await chatHeard;
    await panel.getByRole('button', { name: 'End session' }).click();
    await page.getByRole('dialog', { name: 'End this session?' }).getByRole('button', { name: 'End session' }).click();
    await waitForLine(lines, /ended \(ended_by_rep\)/, (f) => (heard = f));
    assert.deepEqual(errors, []);
  });

  it('JMP-10, USR-12: during an attended session the rep attaches a Jump Client to the customer\'s computer (the real customer client installs and starts it), sees it online in the list, then detaches it and it uninstalls itself', async () => {
    // The real customer client, with its own HOME: the Jump Client goes to $HOME/.local/share/passerelle-jump.
    const home = mkdtempSync(join(tmpdir(), 'passerelle-e2e-attach-'));
    roots.push(home);
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
    delete env.XDG_DATA_HOME;
    delete env.XDG_CONFIG_HOME;
    const customer = new CustomerProcess(['--broker', w.broker.url, '--rep', 'admin', '--pin', w.broker.fingerprint, '--name', 'Zoé'], { env });
    const installDir = join(home, '.local', 'share', 'passerelle-jump');
    const host = jumpClientInfo().hostName;
    try {
      await customer.line(/^Connected/, 60_000);
      await page.getByRole('link', { name: 'Queue' }).click();
      await page.getByRole('region', { name: /My personal queue/ }).getByRole('button', { name: 'Accept Zoé' }).click();
      const panel = page.getByRole('article');
      await panel.getByRole('heading', { name: /Zoé/ }).waitFor();

      await panel.getByRole('button', { name: 'Attach a Jump Client' }).click();
      await panel.getByText(`Jump Client attached: ${host}`).waitFor({ timeout: 60_000 });
      await customer.line(/^Jump Client jc_\S+ installed in /);
      const identity = JSON.parse(readFileSync(join(installDir, 'identity.json'), 'utf8')) as { clientId: string };
      assert.deepEqual(Object.keys(identity).sort(), ['broker', 'clientId', 'pin', 'secret', 'updateKey'], 'its own identity (and the site\'s update key), no deployment key');

      // In the list: the rep's own Jump group, online (the agent runs on its own, not in the customer client).
      await page.getByRole('link', { name: 'Jump Clients' }).click();
      const search = page.getByRole('searchbox', { name: /Search/ });
      await search.fill('Attached during session');
      const attached = row(host);
      await attached.getByText('Online').first().waitFor({ timeout: 60_000 });
      assert.match(await attached.innerText(), /user:admin/);
      await search.fill('');

      // Detach from the session panel: the Jump Client is removed and uninstalls itself.
      await page.getByRole('link', { name: 'Queue' }).click();
      await panel.getByRole('button', { name: 'Detach the Jump Client' }).click();
      await panel.getByText('Administrator detached the Jump Client').waitFor();
      await panel.getByRole('button', { name: 'Attach a Jump Client' }).waitFor();
      await until(() => !existsSync(installDir), 'the attached Jump Client removing its folder');
      await until(async () => !((await w.admin.get('/api/v1/jump-clients')).body as { clients: { id: string }[] }).clients.some((c) => c.id === identity.clientId), 'the detached client to leave the list');
      await panel.getByRole('button', { name: 'End session' }).click();
      await page.getByRole('dialog', { name: 'End this session?' }).getByRole('button', { name: 'End session' }).click();
      assert.deepEqual(errors, []);
    } finally {
      stopRunner(installDir);
      await customer.stop();
    }
  });
});

/** Stops an attached Jump Client left running by a failed test (its pid file). */
function stopRunner(installDir: string): void {
  try {
    process.kill(Number(readFileSync(join(installDir, 'agent.pid'), 'utf8')));
  } catch {
    // not running, or already uninstalled
    return;
  }
}

async function until(probe: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** Resolves when a line matching is in `lines`, now or when `listen`'s callback hears it. */
function waitForLine(lines: string[], re: RegExp, listen: (f: (line: string) => void) => void): Promise<void> {
  return new Promise((resolve) => {
    if (lines.some((l) => re.test(l))) return resolve();
    listen((l) => re.test(l) && resolve());
  });
}

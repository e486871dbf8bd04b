// Files and shell in Chromium through the real broker and the real customer client (CON-6, CON-7,
// USR-11): the rep browses the customer's home (a temporary HOME), uploads a file and downloads it
// back with the same SHA-256, uploads a folder, runs `uname -a` in a shell, and a download whose
// connection is cut (a TCP proxy between the customer client and the broker) resumes where it
// stopped. The browser's save dialog is the one thing that cannot be driven here: the page's
// showSaveFilePicker/showDirectoryPicker are replaced by handles in the origin-private file
// system, so the download still streams through the File System Access API's writables.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createRep } from '../support/broker.ts';
import { loginViaUi, newPage, startE2e, type E2eWorld } from '../support/browser.ts';
import { CustomerProcess, TcpProxy } from '../support/customer-client.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Replaces the save dialogs by the origin-private file system (no dialog can be answered in a test). */
function fakeSaveDialogs(): void {
  const w = window as unknown as Record<string, unknown>;
  w.showSaveFilePicker = async (o?: { suggestedName?: string }) => {
    const root = await navigator.storage.getDirectory();
    return root.getFileHandle(o?.suggestedName ?? 'download', { create: true });
  };
  w.showDirectoryPicker = async () => {
    const root = await navigator.storage.getDirectory();
    return root.getDirectoryHandle('picked-folder', { create: true });
  };
}

/** SHA-256 of a file the page saved in its origin-private file system. */
function savedSha(page: Page, name: string): Promise<string> {
  return page.evaluate(async (n) => {
    const root = await navigator.storage.getDirectory();
    const f = await (await root.getFileHandle(n)).getFile();
    const d = new Uint8Array(await crypto.subtle.digest('SHA-256', await f.arrayBuffer()));
    return Array.from(d, (x) => x.toString(16).padStart(2, '0')).join('');
  }, name);
}

describe('e2e: files and shell on the customer computer', () => {
  let w: E2eWorld;
  let rep: Awaited<ReturnType<typeof createRep>>;
  let proxy: TcpProxy;
  let customer: CustomerProcess;
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-e2e-files-'));
  const home = join(dir, 'home');
  const local = join(dir, 'rep');
  const big = randomBytes(48 * 1024 * 1024);

  before(async () => {
    mkdirSync(home);
    mkdirSync(join(local, 'Photos', 'Été 2026'), { recursive: true });
    writeFileSync(join(home, 'lisez-moi.txt'), 'Bonjour\n');
    writeFileSync(join(home, 'gros.bin'), big);
    writeFileSync(join(local, 'rapport.pdf'), randomBytes(3 * 1024 * 1024 + 17));
    writeFileSync(join(local, 'Photos', 'a.jpg'), randomBytes(300_000));
    writeFileSync(join(local, 'Photos', 'Été 2026', 'plage.jpg'), randomBytes(700_001));
    w = await startE2e();
    rep = await createRep(w.admin, { username: 'filerep', displayName: 'Fanny Rep', permissions: { promptAttended: 'never', fileTransfer: true, shell: true } });
    proxy = await TcpProxy.start(Number(new URL(w.broker.url).port));
  });
  after(async () => {
    await customer?.stop();
    await proxy?.close();
    await rep?.api.close();
    await w?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('CON-6, CON-7, USR-11: browse the home, upload and download back with the same SHA-256, upload a folder, uname -a in a shell, a cut download resumes', async () => {
    const { page, ctx, errors } = await newPage(w.browser);
    await ctx.addInitScript(fakeSaveDialogs);
    await loginViaUi(page, w.broker.url, rep.username, rep.password);
    await page.getByRole('link', { name: 'Queue' }).click();
    await page.getByRole('heading', { name: 'Support sessions' }).waitFor();
    // The customer client runs with a temporary HOME, through the proxy the test cuts later.
    customer = new CustomerProcess(['--broker', `https://127.0.0.1:${proxy.port}`, '--rep', rep.username, '--pin', w.broker.fingerprint, '--name', 'Hugo'], { env: { ...process.env, HOME: home, SHELL: '/bin/bash' } });
    await customer.line(/^Connected/, 60_000);
    await page.getByRole('button', { name: 'Accept Hugo' }).click();
    const panel = page.getByRole('article');
    await panel.getByRole('heading', { name: /Hugo/ }).waitFor();
    const ask = panel.getByRole('combobox', { name: /Ask the customer for/ });
    for (const p of ['file_transfer', 'shell']) {
      await ask.selectOption(p);
      await panel.getByRole('button', { name: 'Ask', exact: true }).click();
    }
    const tools = panel.getByRole('region', { name: 'Tools' });
    await tools.getByRole('tab', { name: 'Command shell' }).waitFor();
    assert.equal(await tools.getByRole('tab', { name: 'Files' }).getAttribute('aria-selected'), 'true', 'the first granted tool shows');

    // Browse: the customer's home, as the customer client sees it.
    const files = tools.getByRole('region', { name: 'Files' });
    await files.getByRole('cell', { name: 'lisez-moi.txt', exact: true }).waitFor().catch(async (e) => {
      await page.screenshot({ path: '/tmp/h8-fail.png', fullPage: true });
      throw e;
    });
    assert.equal(await files.getByRole('button', { name: 'Home folder' }).getAttribute('title'), home);

    // Upload a file; it lands in the home with the same bytes; download it back, same SHA-256.
    const transfers = files.getByRole('list', { name: 'Transfers' });
    await files.locator('input[type=file]:not([webkitdirectory])').setInputFiles(join(local, 'rapport.pdf'));
    await transfers.getByRole('listitem').filter({ hasText: 'rapport.pdf' }).filter({ hasText: 'Done' }).waitFor();
    const sent = readFileSync(join(local, 'rapport.pdf'));
    assert.equal(sha(readFileSync(join(home, 'rapport.pdf'))), sha(sent));
    await files.getByRole('button', { name: 'Download rapport.pdf' }).click();
    await transfers.getByRole('listitem').filter({ hasText: '⬇ rapport.pdf' }).filter({ hasText: `SHA-256 verified: ${sha(sent)}` }).waitFor();
    assert.equal(await savedSha(page, 'rapport.pdf'), sha(sent), 'the file saved by the browser is the one uploaded');

    // Upload a whole folder, sub-folders and accents included.
    await files.locator('input[webkitdirectory]').setInputFiles(join(local, 'Photos'));
    await transfers.getByRole('listitem').filter({ hasText: '2 files verified' }).waitFor();
    for (const f of ['a.jpg', join('Été 2026', 'plage.jpg')]) assert.equal(sha(readFileSync(join(home, 'Photos', f))), sha(readFileSync(join(local, 'Photos', f))), f);
    await files.getByRole('button', { name: 'Open folder Photos' }).waitFor();

    // A download cut halfway (every connection of the customer client dropped) resumes: the
    // customer sends well under twice the file, and the saved copy is whole.
    const before = proxy.bytesUp;
    const cut = proxy.cutAfterUp(big.length / 2);
    await files.getByRole('button', { name: 'Download gros.bin' }).click();
    await cut;
    const row = transfers.getByRole('listitem').filter({ hasText: '⬇ gros.bin' });
    await row.filter({ hasText: `SHA-256 verified: ${sha(big)}` }).waitFor({ timeout: 60_000 }).catch(async (e) => {
      await page.screenshot({ path: '/tmp/h8-fail.png', fullPage: true });
      console.log(customer.lines.join('\n'), customer.stderr, await row.textContent());
      throw e;
    });
    assert.equal(await savedSha(page, 'gros.bin'), sha(big));
    const carried = proxy.bytesUp - before;
    assert.ok(carried < big.length * 1.4, `resumed, not restarted: ${carried} bytes went up for a ${big.length}-byte file`);
    await customer.line(/reconnect|resumed/i);

    // A shell on the customer's computer: uname -a prints what it prints here.
    await tools.getByRole('tab', { name: 'Command shell' }).click();
    await tools.getByRole('button', { name: 'Open a shell' }).click();
    const term = tools.getByRole('application', { name: "Terminal on the customer's computer" });
    await tools.getByText('Connected', { exact: true }).waitFor();
    await term.click();
    await page.keyboard.type('uname -a\n');
    // The kernel release, as this machine prints it (xterm draws spaces as no-break spaces).
    const release = execFileSync('uname', ['-r']).toString().trim();
    await term.getByText(release).first().waitFor().catch(async (e) => {
      await page.screenshot({ path: '/tmp/h8-fail.png', fullPage: true });
      throw e;
    });

    // Each of these is in the session log, credited to the rep (the customer client reports them).
    const log = panel.getByTestId('transcript');
    await log.getByText(/Upload rapport\.pdf/).first().waitFor();
    await log.getByText(/Download gros\.bin .*completed/).first().waitFor();
    await log.getByText(/Shell opened/).waitFor();
    await page.screenshot({ path: join(tmpdir(), 'passerelle-e2e-files-shell.png') });
    assert.deepEqual(errors, []);
    await ctx.close();
  });
});

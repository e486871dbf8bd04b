// The public support portal in Chromium, with the real customer client process: session key,
// rep list, Connect button and click-to-chat, each ending in a rep's queue (POR-1, POR-3, POR-4,
// POR-5, CON-2, CON-3).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appRoot } from '../../src/broker/app-root.ts';
import { readTrailer } from '../../src/endpoint/embedded-config.ts';
import { capabilities } from '../../src/endpoint/tools/index.ts';
import { createRep } from '../support/broker.ts';
import { ADMIN_PASSWORD, loginViaUi, newPage, startE2e, type E2eWorld } from '../support/browser.ts';
import { CustomerProcess } from '../support/customer-client.ts';
import { repConsole, repEvent, type RepSocket } from '../support/sessions.ts';

/** `passerelle customer --broker … --ticket … --pin …` as shown on the page → the arguments after `customer`. */
function argsOf(command: string): string[] {
  const parts = command.trim().split(/\s+/);
  assert.equal(parts[0], 'passerelle');
  assert.equal(parts[1], 'customer');
  return parts.slice(2);
}

describe('e2e: support portal and customer client', () => {
  let w: E2eWorld;
  let alice: Awaited<ReturnType<typeof createRep>>;
  let bob: Awaited<ReturnType<typeof createRep>>;
  let aliceWs: RepSocket;
  let bobWs: RepSocket;
  const procs: CustomerProcess[] = [];
  const downloads = mkdtempSync(join(tmpdir(), 'passerelle-e2e-downloads-'));

  before(async () => {
    // The portal serves the single-executable client (`npm run build:customer`); built here when missing.
    if (!existsSync(join(appRoot().root, 'dist', 'customer', `passerelle-customer-linux-${process.arch}`))) {
      execFileSync(process.execPath, ['scripts/build-customer-sea.mjs'], { cwd: appRoot().root, stdio: 'ignore' });
    }
    w = await startE2e();
    alice = await createRep(w.admin, { displayName: 'Alice Support', displayNumber: 5 });
    bob = await createRep(w.admin, { displayName: 'Bob Support', displayNumber: 3 });
    aliceWs = await repConsole(w.broker, alice);
    bobWs = await repConsole(w.broker, bob);
  });
  after(async () => {
    for (const p of procs) await p.stop();
    await aliceWs.close();
    await bobWs.close();
    await alice.api.close();
    await bob.api.close();
    await w.close();
    rmSync(downloads, { recursive: true, force: true });
  });

  const client = (args: string[]) => {
    const p = new CustomerProcess(args);
    procs.push(p);
    return p;
  };

  it('POR-3, CON-2, CON-3: key on the portal → client → general queue of every rep → accept, chat, transfer, customer ends; the store has it all', async () => {
    const key = (await alice.api.post('/api/v1/session-keys', {})).body.key as string;
    const { page, ctx, errors } = await newPage(w.browser);
    await page.goto(w.broker.url + '/');
    await page.getByRole('heading', { name: 'Remote support' }).waitFor();
    await page.getByLabel('Your name (optional)').fill('Nadia');
    await page.getByLabel('Session key given by your representative').fill(key);
    await page.getByRole('button', { name: 'Start' }).click();
    const command = await page.getByTestId('client-command').textContent();
    assert.match(command ?? '', /--ticket/);
    const p = client(argsOf(command!));
    await p.line(/^Connected \(session \d+\)/);

    const [a, b] = await Promise.all(
      [aliceWs, bobWs].map((ws) => ws.next((m) => m.type === 'session.updated' && m.isNew && m.session.customer.name === 'Nadia', 'in the general queue')),
    );
    assert.deepEqual(a!.session.queue, { kind: 'general' });
    assert.deepEqual(b!.session.queue, { kind: 'general' });
    const lsid = a!.session.lsid as string;
    assert.equal((await aliceWs.call({ type: 'session.accept', lsid })).type, 'reply');
    await bobWs.find((m) => m.type === 'session.removed' && m.lsid === lsid, 'gone from bob');

    await aliceWs.chat(lsid, 'Bonjour Nadia, que se passe-t-il ?');
    await p.line(/^Alice Support: Bonjour Nadia, que se passe-t-il \?$/);
    p.type('Mon courriel ne part plus');
    await aliceWs.find((m) => m.type === 'session.event' && m.event.body.text === 'Mon courriel ne part plus', 'customer line');

    assert.equal((await aliceWs.call({ type: 'session.transfer', lsid, toUserId: bob.id })).type, 'reply');
    await p.line(/^\* Your session is being transferred to Bob Support\.$/);
    await bobWs.find((m) => m.type === 'session.updated' && m.session.lsid === lsid && m.session.queue.kind === 'personal', 'bob\'s queue');
    assert.equal((await bobWs.call({ type: 'session.accept', lsid })).type, 'reply');
    await bobWs.chat(lsid, 'Bob ici, je prends la suite');
    await p.line(/^Bob Support: Bob ici, je prends la suite$/);
    p.type('/end');
    await repEvent(bobWs, lsid, 'session_ended');
    assert.equal(await p.exited, 0);

    const log = (await w.admin.get(`/api/v1/sessions/${lsid}/events`)).body.events;
    assert.deepEqual(log.map((e: any) => e.body.kind), [
      'session_started', 'rep_joined', 'chat', 'chat', 'transferred', 'rep_left', 'rep_joined', 'chat', 'session_ended',
    ]);
    assert.equal(log.at(-1).body.reason, 'ended_by_customer');
    const record = await w.broker.services.store.getSupportSession(lsid);
    assert.equal(record?.state, 'ended');
    assert.equal(record?.customerName, 'Nadia');
    assert.equal(record?.publicIp, '127.0.0.1');
    assert.ok(record?.computerName);
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  it('POR-1: the rep list shows logged-in reps by display number; a click starts a session in that rep\'s personal queue', async () => {
    const { page, ctx, errors } = await newPage(w.browser);
    await page.goto(w.broker.url + '/');
    await page.getByRole('button', { name: 'Alice Support' }).waitFor();
    const names = await page.getByRole('list').getByRole('button').allTextContents();
    assert.deepEqual(names, ['Bob Support', 'Alice Support']);
    await page.getByRole('button', { name: 'Alice Support' }).click();
    const download = await page.getByRole('link', { name: 'Download the support client (Linux)' }).getAttribute('href');
    assert.match(download ?? '', /^\/download\/customer\/linux-x64\?ticket=[\w-]+$/);
    const p = client(argsOf((await page.getByTestId('client-command').textContent())!));
    const upd = await aliceWs.next((m) => m.type === 'session.updated' && m.isNew, 'alice\'s personal queue');
    assert.deepEqual(upd.session.queue, { kind: 'personal', userId: alice.id });
    await p.line(/^Connected/);
    p.type('/end');
    assert.equal(await p.exited, 0);
    assert.ok(!bobWs.messages.some((m) => m.type === 'session.updated' && m.session.lsid === upd.session.lsid));
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  it('POR-4: the Connect button reaches an available rep in one step; switched off, it is gone', async () => {
    const { page, ctx } = await newPage(w.browser);
    await page.goto(w.broker.url + '/');
    await page.getByRole('button', { name: 'Connect to a representative' }).click();
    const p = client(argsOf((await page.getByTestId('client-command').textContent())!));
    await p.line(/^Connected/);
    p.type('/end');
    assert.equal(await p.exited, 0);
    await w.admin.patch('/api/v1/portal/settings', { showConnectButton: false, showSessionKeyForm: false });
    await page.goto(w.broker.url + '/');
    await page.getByRole('heading', { name: 'Representatives available now' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Connect to a representative' }).count(), 0);
    assert.equal(await page.getByLabel('Session key given by your representative').count(), 0);
    await w.admin.patch('/api/v1/portal/settings', { showConnectButton: true, showSessionKeyForm: true });
    await ctx.close();
  });

  it('POR-1, POR-3, POR-4: the Support Portal page switches the start methods the public portal shows', async () => {
    const { page, ctx, errors } = await newPage(w.browser);
    await loginViaUi(page, w.broker.url, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Support Portal' }).click();
    await page.getByRole('heading', { name: 'Session start methods' }).waitFor();
    await page.getByRole('checkbox', { name: 'Show the Connect button' }).uncheck();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved').waitFor();
    const portal = await newPage(w.browser);
    await portal.page.goto(w.broker.url + '/');
    await portal.page.getByRole('heading', { name: 'Representatives available now' }).waitFor();
    assert.equal(await portal.page.getByRole('button', { name: 'Connect to a representative' }).count(), 0);
    await page.getByRole('checkbox', { name: 'Show the Connect button' }).check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await portal.page.reload();
    await portal.page.getByRole('button', { name: 'Connect to a representative' }).waitFor();
    assert.deepEqual(errors, []);
    await portal.ctx.close();
    await ctx.close();
  });

  it('POR-3: a wrong, used or expired key is answered in the customer\'s language with what to do (issue 9 items 9, 10)', async () => {
    const { page, ctx, errors } = await newPage(w.browser, 'fr-FR');
    await page.goto(w.broker.url + '/');
    await page.getByLabel('Clé de session fournie par votre technicien').fill('000 000 000');
    await page.getByRole('button', { name: 'Démarrer' }).click();
    await page.getByRole('alert').filter({ hasText: 'Cette clé de session n\'est pas valide ou a expiré : demandez-en une nouvelle à votre technicien.' }).waitFor();
    assert.doesNotMatch(await page.getByRole('alert').innerText(), /not valid|invalid_session_key/);
    // A key that was valid and is used now gets the same answer: nobody can tell which keys exist.
    const key = (await alice.api.post('/api/v1/session-keys', {})).body.key as string;
    assert.equal((await w.admin.post('/api/v1/portal/start', { method: 'session_key', key })).status, 200);
    await page.getByLabel('Clé de session fournie par votre technicien').fill(key);
    await page.getByRole('button', { name: 'Démarrer' }).click();
    await page.getByRole('alert').filter({ hasText: 'Cette clé de session n\'est pas valide ou a expiré' }).waitFor();
    const en = await newPage(w.browser);
    await en.page.goto(w.broker.url + '/');
    await en.page.getByLabel('Session key given by your representative').fill('000 000 000');
    await en.page.getByRole('button', { name: 'Start' }).click();
    await en.page.getByRole('alert').filter({ hasText: 'This session key is not valid or has expired: ask your representative for a new one.' }).waitFor();
    await en.ctx.close();
    await ctx.close();
    assert.deepEqual(errors.filter((e) => !/status of 4\d\d/.test(e)), []);
  });

  it('POR-5: click-to-chat starts a web chat in the browser; the rep moves the customer to the full client in the same session', async () => {
    await w.admin.patch('/api/v1/portal/settings', { clickToChat: true });
    try {
      const { page, ctx, errors } = await newPage(w.browser, 'fr-FR');
      await page.goto(w.broker.url + '/');
      await page.getByLabel('Votre nom (facultatif)').fill('Odile');
      await page.getByRole('button', { name: 'Bob Support' }).click();
      await page.getByTestId('chat-status').filter({ hasText: 'En attente d\'un technicien…' }).waitFor();
      const upd = await bobWs.next((m) => m.type === 'session.updated' && m.isNew && m.session.customer.name === 'Odile', 'web chat queued');
      assert.equal(upd.session.clientKind, 'web_chat');
      const lsid = upd.session.lsid as string;
      await bobWs.call({ type: 'session.accept', lsid });
      await bobWs.chat(lsid, 'Bonjour Odile');
      await page.getByTestId('chat-log').getByText('Bonjour Odile').waitFor();
      await page.getByRole('textbox', { name: 'Message' }).fill('Bonjour, pouvez-vous voir mon écran ?');
      await page.getByRole('button', { name: 'Envoyer' }).click();
      await bobWs.find((m) => m.type === 'session.event' && m.event.body.text === 'Bonjour, pouvez-vous voir mon écran ?', 'web chat line');

      // A reload of the page resumes the same web chat, conversation included.
      await page.reload();
      await page.getByTestId('chat-log').getByText('Bonjour, pouvez-vous voir mon écran ?').waitFor();
      await bobWs.chat(lsid, 'Toujours là ?');
      await page.getByTestId('chat-log').getByText('Toujours là ?').waitFor();
      assert.equal((await bobWs.call({ type: 'session.offer_full_client', lsid })).type, 'reply');
      // Issue 9 item 6: the download is the customer client already set for this session; the
      // command is the fallback. The resume token is in neither the URL nor anything a rep sees.
      const offer = page.getByRole('region', { name: 'Votre technicien vous demande de continuer dans le client d\'assistance complet.' });
      const link = offer.getByRole('link', { name: 'Télécharger le client d\'assistance pour cette session (Linux)' });
      const { resumeToken } = JSON.parse((await page.evaluate(() => sessionStorage.getItem('passerelle.webChat')))!) as { resumeToken: string };
      assert.ok(!(await link.getAttribute('href'))!.includes(resumeToken), 'the resume token is not in the link');
      assert.match((await offer.getByTestId('full-client-command').textContent())!, /--resume \S+:\S+/);
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      const exe = join(downloads, 'passerelle-support');
      await download.saveAs(exe);
      chmodSync(exe, 0o755);
      const trailer = readTrailer(exe)!;
      assert.equal(trailer.resume?.lsid, lsid);
      assert.equal(trailer.ticket, undefined);
      const repSaw = JSON.stringify((await w.admin.get(`/api/v1/sessions/${lsid}/events`)).body);
      assert.ok(!repSaw.includes(trailer.resume!.resumeToken), 'the session log never holds the resume token');
      // Run with nothing typed, in French: it continues the same session.
      const p = new CustomerProcess([], { exe, env: { ...process.env, LANG: 'fr_FR.UTF-8', LC_ALL: '', LC_MESSAGES: '' } });
      procs.push(p);
      await p.line(/^Connexion rétablie\.$/, 20_000);
      await repEvent(bobWs, lsid, 'client_changed');
      await page.getByTestId('chat-status').filter({ hasText: 'La conversation continue dans le client d\'assistance.' }).waitFor();
      assert.equal(await offer.count(), 0, 'the offer is gone once the session left the web chat');
      // The same session continues in the client, which now says which tools it has (USR-13).
      const moved = await bobWs.find((m) => m.type === 'session.updated' && m.session.lsid === lsid && m.session.clientKind === 'customer_client', 'moved to the client');
      assert.deepEqual(moved.session.capabilities, capabilities());
      await bobWs.chat(lsid, 'On continue ici');
      await p.line(/: On continue ici$/);
      p.type('/end');
      assert.equal(await p.exited, 0);
      const kinds = (await w.admin.get(`/api/v1/sessions/${lsid}/events`)).body.events.map((e: any) => e.body.kind);
      assert.deepEqual(kinds, [
        'session_started', 'rep_joined', 'chat', 'chat', 'customer_disconnected', 'customer_reconnected', 'chat',
        'full_client_offered', 'client_changed', 'chat', 'session_ended',
      ]);
      assert.deepEqual(errors, []);
      await ctx.close();
    } finally {
      await w.admin.patch('/api/v1/portal/settings', { clickToChat: false });
    }
  });
  it('POR-5: the full-client offer goes when the session ends, and its download stops working (issue 9 item 6)', async () => {
    await w.admin.patch('/api/v1/portal/settings', { clickToChat: true });
    try {
      const { page, ctx, errors } = await newPage(w.browser);
      await page.goto(w.broker.url + '/');
      await page.getByLabel('Your name (optional)').fill('Yann');
      await page.getByRole('button', { name: 'Bob Support' }).click();
      const upd = await bobWs.next((m) => m.type === 'session.updated' && m.isNew && m.session.customer.name === 'Yann', 'web chat queued');
      const lsid = upd.session.lsid as string;
      await bobWs.call({ type: 'session.accept', lsid });
      assert.equal((await bobWs.call({ type: 'session.offer_full_client', lsid })).type, 'reply');
      const offer = page.getByRole('region', { name: 'Your representative asks you to continue in the full support client.' });
      const link = offer.getByRole('link', { name: 'Download the support client for this session (Linux)' });
      const href = (await link.getAttribute('href'))!;
      assert.equal((await w.admin.request('HEAD', href)).status, 200);
      await bobWs.call({ type: 'session.end', lsid });
      await page.getByTestId('chat-status').filter({ hasText: 'The session has ended.' }).waitFor();
      await offer.waitFor({ state: 'detached' });
      const refused = await w.admin.get(href);
      assert.equal(refused.status, 410);
      assert.equal(refused.body.error.code, 'resume_expired');
      // Nor can a made-up session or token get a download ticket.
      const forged = await w.admin.post('/api/v1/portal/client-download', { lsid, resumeToken: 'x'.repeat(24) });
      assert.equal(forged.status, 410);
      assert.deepEqual(errors, []);
      await ctx.close();
    } finally {
      await w.admin.patch('/api/v1/portal/settings', { clickToChat: false });
    }
  });
});

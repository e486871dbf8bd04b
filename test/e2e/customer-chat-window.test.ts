// The customer client's own chat window in Chromium, with the real client process (issue 9 items
// 7 and 9): it speaks the language of the client's locale (LANG=fr_FR) even in an English browser,
// as the terminal does; and when its client is killed it says so once and stops, instead of
// showing "Connected" and polling a server that will never come back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRep } from '../support/broker.ts';
import { newPage, startE2e, type E2eWorld } from '../support/browser.ts';
import { CustomerProcess } from '../support/customer-client.ts';
import { repConsole, type RepSocket } from '../support/sessions.ts';

describe('e2e: the customer client\'s chat window (issue 9)', () => {
  let w: E2eWorld;
  let rep: Awaited<ReturnType<typeof createRep>>;
  let repWs: RepSocket;
  const procs: CustomerProcess[] = [];

  before(async () => {
    w = await startE2e();
    rep = await createRep(w.admin, { username: 'windowrep', displayName: 'Léa Rep' });
    repWs = await repConsole(w.broker, rep);
  });
  after(async () => {
    for (const p of procs) await p.stop();
    await repWs.close();
    await rep.api.close();
    await w.close();
  });

  it('CON-3: with LANG=fr_FR the terminal and the chat window speak French; killed, the client\'s window says it stopped and stops asking', async () => {
    const env = { ...process.env, LANG: 'fr_FR.UTF-8', LC_ALL: '', LC_MESSAGES: '' };
    const p = new CustomerProcess(['--broker', w.broker.url, '--rep', rep.username, '--pin', w.broker.fingerprint, '--name', 'Margot'], { env });
    procs.push(p);
    const url = (await p.line(/^Fenêtre de conversation : (http:\/\/127\.0\.0\.1:\d+\/\S+\/)$/))[1]!;
    await p.line(/^Connecté \(session \d+\)\. En attente d'un technicien…$/);

    // An English browser: the window follows the client's locale.
    const { page, ctx, errors } = await newPage(w.browser, 'en-US');
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(r.url()));
    await page.goto(url);
    assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
    await page.locator('#status').getByText('En attente d\'un technicien…').waitFor();
    await page.getByRole('button', { name: 'Envoyer' }).waitFor();
    await page.getByRole('button', { name: 'Terminer la session' }).waitFor();

    const upd = await repWs.next((m) => m.type === 'session.updated' && m.isNew && m.session.customer.name === 'Margot', 'the session', 10_000);
    const lsid = upd.session.lsid as string;
    await repWs.call({ type: 'session.accept', lsid });
    await p.line(/^\* Léa Rep a rejoint la session\.$/);
    await page.getByText('Léa Rep a rejoint la session').waitFor();
    await page.locator('#status').getByText('Connecté').waitFor();
    await repWs.call({ type: 'session.request_permission', lsid, permission: 'screen_view' });
    await p.line(/^\? Léa Rep demande à voir votre écran\. Autoriser \? \[o\/n\]$/);
    await page.getByText('Léa Rep demande à voir votre écran.').waitFor();
    await page.getByRole('button', { name: 'Refuser' }).click();
    await p.line(/^\* Refusé : voir votre écran\.$/);

    // The client dies without a word: the window must not go on saying "Connecté".
    p.child.kill('SIGKILL');
    await p.exited;
    await page.locator('#status').getByText('Le client d\'assistance s\'est arrêté : cette fenêtre ne fonctionne plus. Si vous relancez le client, il ouvre une nouvelle fenêtre.').waitFor();
    await page.locator('body[data-stream="closed"]').waitFor();
    assert.equal(await page.getByRole('textbox', { name: 'Message' }).isDisabled(), true);
    assert.equal(await page.getByRole('button', { name: 'Envoyer' }).isDisabled(), true);
    // It noticed once, and closed its event stream rather than polling the dead address.
    assert.ok(failed.length <= 1, `requests after the client died: ${failed.join(', ')}`);
    assert.deepEqual(errors, []);
    await ctx.close();
  });
});

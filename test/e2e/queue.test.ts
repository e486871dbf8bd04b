// The rep console's queue in Chromium (CON-2, CON-3, POR-3, USR-13): a session key generated in
// the console, the customer client joining with it, the session in the general queue with its
// waiting time, accept, the session panel, chat both ways with typing indicator, no permission
// request for tools the client lacks, and a transfer to a second rep.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRep } from '../support/broker.ts';
import { loginViaUi, newPage, startE2e, type E2eWorld } from '../support/browser.ts';
import { CustomerProcess } from '../support/customer-client.ts';
import { repConsole, type RepSocket } from '../support/sessions.ts';

describe('e2e: the console queue and session panel', () => {
  let w: E2eWorld;
  let rep: Awaited<ReturnType<typeof createRep>>;
  let other: Awaited<ReturnType<typeof createRep>>;
  let otherWs: RepSocket;
  const procs: CustomerProcess[] = [];

  before(async () => {
    w = await startE2e();
    rep = await createRep(w.admin, { username: 'queuerep', displayName: 'Quentin Rep' });
    other = await createRep(w.admin, { username: 'otherrep', displayName: 'Olga Rep' });
    otherWs = await repConsole(w.broker, other);
  });
  after(async () => {
    for (const p of procs) await p.stop();
    await otherWs.close();
    await rep.api.close();
    await other.api.close();
    await w.close();
  });

  it('POR-3, CON-2, CON-3, USR-13: key from the console, the customer joins, accept, chat, consent, transfer', async () => {
    const { page, ctx, errors } = await newPage(w.browser);
    await loginViaUi(page, w.broker.url, rep.username, rep.password);
    await page.getByRole('link', { name: 'Queue' }).click();
    await page.getByRole('heading', { name: 'Support sessions' }).waitFor();
    await page.getByRole('button', { name: 'Generate session key' }).click();
    const keyText = (await page.getByTestId('session-key').textContent())!;
    const key = /(\d{3} \d{3} \d{3})/.exec(keyText)![1]!;

    const p = new CustomerProcess(['--broker', w.broker.url, '--key', key, '--pin', w.broker.fingerprint, '--name', 'Rémi']);
    procs.push(p);
    await p.line(/^Connected/);
    const general = page.getByRole('region', { name: /General queue/ });
    await general.getByText('Rémi').waitFor();
    await general.getByText(/waiting \d/).waitFor();
    assert.match(await page.title(), /^\(1\) /, 'the waiting count is in the window title');
    await general.getByRole('button', { name: 'Accept Rémi' }).click();

    const panel = page.getByRole('article');
    await panel.getByRole('heading', { name: /Rémi/ }).waitFor();
    await panel.getByText('Public IP').waitFor();
    assert.equal(await panel.locator('dd').nth(4).textContent(), '127.0.0.1');
    await panel.getByTestId('transcript').getByText('Quentin Rep joined').waitFor();

    p.type('Bonjour, mon imprimante est bloquée');
    await panel.getByTestId('transcript').getByText('Bonjour, mon imprimante est bloquée').waitFor();
    await panel.getByRole('textbox', { name: 'Message' }).fill('Je regarde tout de suite');
    await panel.getByRole('button', { name: 'Send' }).click();
    await p.line(/^Quentin Rep: Je regarde tout de suite$/);

    // USR-13: the customer client advertises its tools (screen, control, files, shell …): the console
    // offers a request for what the client has and this rep may ask, nothing else.
    await panel.getByRole('combobox', { name: /Ask the customer for/ }).waitFor();

    // CON-3: invite Olga; once she is in, a line for the reps only never reaches the customer.
    await panel.getByRole('combobox', { name: 'Choose a representative' }).selectOption({ label: 'Olga Rep' });
    await panel.getByRole('button', { name: 'Invite' }).click();
    const invited = await otherWs.find((m) => m.type === 'session.updated' && m.session.customer.name === 'Rémi' && m.session.invited.includes(other.id), 'invitation');
    assert.equal((await otherWs.call({ type: 'session.join', lsid: invited.session.lsid })).type, 'reply');
    await panel.getByRole('checkbox', { name: 'Reps only' }).check();
    await panel.getByRole('textbox', { name: 'Message' }).fill('Olga, peux-tu regarder ?');
    await panel.getByRole('button', { name: 'Send' }).click();
    await otherWs.find((m) => m.type === 'session.event' && m.event.body.text === 'Olga, peux-tu regarder ?' && m.event.body.repsOnly === true, 'rep-only line');
    await panel.getByTestId('transcript').getByText('Olga, peux-tu regarder ?').waitFor();
    await otherWs.call({ type: 'session.leave', lsid: invited.session.lsid });
    assert.ok(!p.lines.some((l) => l.includes('Olga, peux-tu regarder')), 'the customer never sees it');

    await panel.getByRole('combobox', { name: 'Choose a representative' }).selectOption({ label: 'Olga Rep' });
    await panel.getByRole('button', { name: 'Transfer to' }).click();
    await p.line(/transferred to Olga Rep/);
    await otherWs.find((m) => m.type === 'session.updated' && m.session.customer.name === 'Rémi' && m.session.queue.kind === 'personal', 'in Olga\'s queue');
    await page.getByText('Choose a session on the left.').waitFor();
    assert.equal(await page.getByRole('region', { name: /My sessions/ }).getByText('Rémi').count(), 0);
    p.type('/end');
    assert.equal(await p.exited, 0);
    assert.deepEqual(errors, []);
    await ctx.close();
  });
});

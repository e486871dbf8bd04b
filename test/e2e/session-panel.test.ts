// The session panel as a rep meets it on day one (issue 9), in Chromium: only the requests the
// customer's client can honour and the rep may make (USR-13, USR-14), and more below.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createRep } from '../support/broker.ts';
import { loginViaUi, newPage, startE2e, type E2eWorld } from '../support/browser.ts';
import { CustomerSocket, repConsole } from '../support/sessions.ts';

describe('e2e: the session panel (issue 9)', () => {
  let w: E2eWorld;
  let rep: Awaited<ReturnType<typeof createRep>>;
  const customers: CustomerSocket[] = [];

  before(async () => {
    w = await startE2e();
    rep = await createRep(w.admin, { username: 'panelrep', displayName: 'Paula Rep', permissions: { elevation: false } });
  });
  after(async () => {
    for (const c of customers) if (c.ws.readyState === c.ws.OPEN) await c.close();
    await rep.api.close();
    await w.close();
  });

  /** A customer in this rep's personal queue, accepted from the console; the panel is open. */
  async function acceptedCustomer(page: Page, name: string, client = 'customer_client', capabilities?: string[]) {
    const c = await CustomerSocket.join(w.broker, { kind: 'rep', rep: rep.username }, { name }, client, capabilities);
    customers.push(c);
    const welcome = await c.welcome();
    assert.equal(welcome.type, 'welcome', JSON.stringify(welcome));
    await page.getByRole('region', { name: /My personal queue/ }).getByRole('button', { name: `Accept ${name}` }).click();
    const panel = page.getByRole('article');
    await panel.getByRole('heading', { name: new RegExp(name) }).waitFor();
    return { c, panel, lsid: welcome.lsid as string };
  }

  async function consolePage() {
    const p = await newPage(w.browser);
    await loginViaUi(p.page, w.broker.url, rep.username, rep.password);
    await p.page.getByRole('link', { name: 'Queue' }).click();
    return p;
  }

  it('USR-13, USR-14: the console offers only what the client has and the rep may ask; web chat is told to move to the full client', async () => {
    const { page, ctx, errors } = await consolePage();
    const { c, panel } = await acceptedCustomer(page, 'Sacha', 'customer_client', ['screen', 'elevation']);
    const ask = panel.getByRole('combobox', { name: /Ask the customer for/ });
    // screen_control needs the input tool; elevation needs the rep's right, which Paula lacks.
    assert.deepEqual(await ask.locator('option').allTextContents(), ['view the screen']);
    await panel.getByRole('button', { name: 'Ask', exact: true }).click();
    const prompt = await c.event('permission_requested');
    assert.equal(prompt.event.body.permission, 'screen_view');
    await c.action({ type: 'consent', requestId: prompt.event.body.requestId, granted: true });
    await panel.getByTestId('transcript').getByText('Granted: view the screen').waitFor();
    await c.action({ type: 'end' });

    const web = await acceptedCustomer(page, 'Wendy', 'web_chat');
    await web.panel.getByText('The customer is in web chat, which has no remote tools: offer the full client to go further.').waitFor();
    assert.equal(await web.panel.getByRole('combobox', { name: /Ask the customer for/ }).count(), 0);
    await web.c.action({ type: 'end' });
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  it('CON-3: one long unbroken word or URL wraps; the page never widens and Send, Transfer and End stay on screen', async () => {
    const { page, ctx, errors } = await consolePage();
    const { c, panel } = await acceptedCustomer(page, 'W'.repeat(100));
    const url = `https://example.com/${'a'.repeat(3900)}`;
    assert.equal((await c.chat(url)).type, 'ack');
    await panel.getByTestId('transcript').getByText(url).waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 1280, `the page is ${width} px wide`);
    for (const name of ['Send', 'Invite', 'End session']) {
      const box = (await panel.getByRole('button', { name, exact: true }).boundingBox())!;
      assert.ok(box.x >= 0 && box.x + box.width <= 1280, `${name} is off screen at x=${box.x}`);
    }
    await c.action({ type: 'end' });
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  it('CON-3: the chat box shows the limit as the rep nears it and refuses a longer line instead of cutting it', async () => {
    const { page, ctx, errors } = await consolePage();
    const { c, panel } = await acceptedCustomer(page, 'Lou');
    const box = panel.getByRole('textbox', { name: 'Message' });
    await box.fill('x'.repeat(3700));
    await panel.getByText('3700 / 4000 characters').waitFor();
    const long = 'y'.repeat(4100);
    await box.fill(long);
    await panel.getByText('Too long to send: 4100 / 4000 characters. Shorten it, or send it in several messages.').waitFor();
    assert.equal(await panel.getByRole('button', { name: 'Send', exact: true }).isDisabled(), true);
    await box.press('Enter');
    assert.equal((await box.inputValue()).length, 4100, 'nothing was cut or thrown away');
    await box.fill('z'.repeat(4000));
    await panel.getByRole('button', { name: 'Send', exact: true }).click();
    const line = await c.find((m) => m.type === 'event' && m.event.body.kind === 'chat', 'the 4000-character line');
    assert.equal(line.event.body.text.length, 4000);
    assert.ok(!c.messages.some((m) => m.type === 'event' && m.event.body.kind === 'chat' && m.event.body.text.startsWith('y')), 'the long line was never sent');
    await c.action({ type: 'end' });
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  it('CON-2: an ended session stays on screen, read-only, saying how it ended, until the rep closes it; End asks first', async () => {
    const { page, ctx, errors } = await consolePage();
    const mine = page.getByRole('region', { name: /My sessions/ });
    const first = await acceptedCustomer(page, 'Emma');
    await mine.getByText(/in session for \d/).waitFor();
    assert.equal(await mine.getByText(/waiting/).count(), 0, 'an active session is not "waiting"');
    // Typing shows, and goes once the line is sent.
    first.c.send({ type: 'typing', typing: true });
    await first.panel.getByText('Emma is typing…').waitFor();
    await first.c.chat('Merci, au revoir');
    await first.panel.getByTestId('transcript').getByText('Merci, au revoir').waitFor();
    await first.panel.getByText('Emma is typing…').waitFor({ state: 'detached' });
    first.c.send({ type: 'typing', typing: true });
    await first.panel.getByText('Emma is typing…').waitFor();
    await first.c.action({ type: 'end' });
    const banner = first.panel.getByRole('status').filter({ hasText: 'This session ended at' });
    await banner.getByText('The customer ended it.').waitFor();
    await first.panel.getByTestId('transcript').getByText('Merci, au revoir').waitFor();
    await first.panel.getByTestId('transcript').getByText('Session ended: The customer ended it.').waitFor();
    assert.equal(await first.panel.getByText('Emma is typing…').count(), 0, 'no typing after the end');
    assert.equal(await first.panel.getByRole('textbox', { name: 'Message' }).count(), 0, 'read-only');
    assert.equal(await first.panel.getByRole('button', { name: 'End session' }).count(), 0);
    await mine.getByText('ended').waitFor();
    await first.panel.getByRole('button', { name: 'Close' }).click();
    await page.getByText('Choose a session on the left.').waitFor();
    assert.equal(await mine.getByText('Emma').count(), 0);

    const second = await acceptedCustomer(page, 'Noah');
    await second.panel.getByRole('button', { name: 'End session' }).click();
    const dialog = page.getByRole('dialog', { name: 'End this session?' });
    await dialog.getByText('The session with Noah ends for everyone in it').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(second.c.messages.some((m) => m.type === 'event' && m.event.body.kind === 'session_ended'), false, 'cancel keeps the session');
    await second.panel.getByRole('button', { name: 'End session' }).click();
    await dialog.getByRole('button', { name: 'End session' }).click();
    await second.c.event('session_ended');
    await second.panel.getByRole('status').getByText('A representative ended it.').waitFor();
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  it('CON-2: a rep lands on the queue; the session key is on one line with a copy button', async () => {
    const { page, ctx, errors } = await newPage(w.browser);
    await loginViaUi(page, w.broker.url, rep.username, rep.password);
    await page.getByRole('heading', { name: 'Support sessions' }).waitFor();
    assert.match(page.url(), /\/console\/queue$/);
    await page.getByRole('button', { name: 'Generate session key' }).click();
    const key = page.getByTestId('session-key');
    await key.getByRole('button', { name: 'Copy' }).waitFor();
    const lineHeight = await key.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight) || parseFloat(getComputedStyle(el).fontSize) * 1.6);
    const box = (await key.boundingBox())!;
    assert.ok(box.height < lineHeight * 1.9, `the key wraps: ${box.height} px for a ${lineHeight} px line`);
    assert.deepEqual(errors, []);
    await ctx.close();
  });
  it('CON-2, CON-3: the transfer and invite list follows reps logging in and out; an error goes at the next success; "Reps only" is for one line (issue 9 item 7)', async () => {
    const { page, ctx, errors } = await consolePage();
    const quentin = await createRep(w.admin, { username: 'quentin', displayName: 'Quentin Relais' });
    const { c, panel } = await acceptedCustomer(page, 'Rémi');
    const choose = panel.getByRole('combobox', { name: 'Choose a representative' });
    const options = async () => {
      // Opening the list (focus) reads who is logged in now.
      await panel.getByRole('textbox', { name: 'Message' }).focus();
      await choose.focus();
      return choose.locator('option');
    };
    assert.equal(await (await options()).filter({ hasText: 'Quentin Relais' }).count(), 0, 'not logged in yet');
    let quentinWs = await repConsole(w.broker, quentin);
    await (await options()).filter({ hasText: 'Quentin Relais' }).waitFor({ state: 'attached' });
    await choose.selectOption({ label: 'Quentin Relais' });
    await quentinWs.close();
    // Quentin logged out after being chosen: the invite fails and says so.
    await panel.getByRole('button', { name: 'Invite', exact: true }).click();
    const alert = panel.getByRole('alert');
    await alert.waitFor();
    await panel.getByRole('textbox', { name: 'Message' }).fill('Un instant');
    await panel.getByRole('button', { name: 'Send', exact: true }).click();
    await c.find((m) => m.type === 'event' && m.event.body.kind === 'chat' && m.event.body.text === 'Un instant', 'the line after the error');
    await alert.waitFor({ state: 'detached' });
    await (await options()).filter({ hasText: 'Quentin Relais' }).waitFor({ state: 'detached' });

    // Back, invited and joined: "Reps only" goes to the reps, once.
    quentinWs = await repConsole(w.broker, quentin);
    await (await options()).filter({ hasText: 'Quentin Relais' }).waitFor({ state: 'attached' });
    await choose.selectOption({ label: 'Quentin Relais' });
    await panel.getByRole('button', { name: 'Invite', exact: true }).click();
    const invited = await quentinWs.next((m) => m.type === 'session.updated' && m.session.invited.includes(quentin.id), 'the invitation');
    assert.equal((await quentinWs.call({ type: 'session.join', lsid: invited.session.lsid })).type, 'reply');
    const repsOnly = panel.getByRole('checkbox', { name: 'Reps only' });
    await repsOnly.check();
    await panel.getByRole('textbox', { name: 'Message' }).fill('Note interne');
    await panel.getByRole('button', { name: 'Send', exact: true }).click();
    await panel.getByTestId('transcript').getByText('Note interne').waitFor();
    assert.equal(await repsOnly.isChecked(), false, '"Reps only" is unticked after sending');
    await panel.getByRole('textbox', { name: 'Message' }).fill('Pour tout le monde');
    await panel.getByRole('button', { name: 'Send', exact: true }).click();
    await c.find((m) => m.type === 'event' && m.event.body.kind === 'chat' && m.event.body.text === 'Pour tout le monde', 'the next line reaches the customer');
    assert.ok(!c.messages.some((m) => m.type === 'event' && m.event.body.text === 'Note interne'), 'the reps-only line never reached the customer');
    await c.action({ type: 'end' });
    await quentinWs.close();
    await quentin.api.close();
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  it('POR-3: a session key a customer used, or one that expired, is struck through and says why (issue 9 item 7)', async () => {
    const { page, ctx, errors } = await consolePage();
    const card = page.getByTestId('session-key');
    await page.getByRole('button', { name: 'Generate session key' }).click();
    await card.getByRole('button', { name: 'Copy' }).waitFor();
    const key = (await card.textContent())!.match(/\d{3} \d{3} \d{3}/)![0];
    const c = await CustomerSocket.join(w.broker, { kind: 'key', key }, { name: 'Clé' });
    customers.push(c);
    assert.equal((await c.welcome()).type, 'welcome');
    await page.getByText('A customer joined with this key, so it can no longer be used: generate a new one for the next customer.').waitFor();
    assert.equal(await card.locator('s').textContent(), key);
    assert.equal(await card.getByRole('button', { name: 'Copy' }).count(), 0);
    await c.action({ type: 'end' });

    // A fresh key, then the page's clock moves past its validity (15 minutes by default).
    await page.clock.install();
    await page.getByRole('button', { name: 'Generate session key' }).click();
    await card.getByRole('button', { name: 'Copy' }).waitFor();
    await page.clock.fastForward('16:00');
    await page.getByText('This key has expired and can no longer be used: generate a new one.').waitFor();
    assert.equal(await card.getByRole('button', { name: 'Copy' }).count(), 0);
    assert.deepEqual(errors, []);
    await ctx.close();
  });
});

// The customer's side of remote control in Chromium (CON-4, USR-11): the real customer client
// (its tools on a real Xvfb) serves its chat page; the rep asks for control from the console in
// Chromium; the page says loudly that the screen is being controlled, in English and French, and
// its "Take back control" button closes the rep's input channel at once; the rep's transcript says
// the customer took control back. The rep's input channel is opened by console-core under Node
// (the same rep, a second console connection): the console's screen tab is built separately.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRep } from '../support/broker.ts';
import { loginViaUi, newPage, startE2e, type E2eWorld } from '../support/browser.ts';
import { repCore, waitForQueue, type Core } from '../support/channels.ts';
import { CustomerProcess } from '../support/customer-client.ts';
import { startXvfb, type XDisplay } from '../support/x-display.ts';

describe('e2e: the customer sees control and takes it back (issue 13)', () => {
  let w: E2eWorld;
  let x: XDisplay;
  let rep: Awaited<ReturnType<typeof createRep>>;
  let core: Core;
  let closeCore: () => Promise<void>;
  let customer: CustomerProcess;
  const savedDisplay = process.env.DISPLAY;

  before(async () => {
    x = await startXvfb({ width: 800, height: 600 });
    w = await startE2e();
    rep = await createRep(w.admin, { username: 'takebackrep', displayName: 'Julie Rep', permissions: { screenSharing: true } });
    ({ core, close: closeCore } = await repCore(w.broker, rep.username, rep.password));
  });
  after(async () => {
    await customer?.stop();
    await closeCore();
    await rep.api.close();
    await w.close();
    await x.close();
    process.env.DISPLAY = savedDisplay;
  });

  it('CON-4, USR-11: "Take back control" on the chat page stops the rep at once and the log says so', async () => {
    const { page: consolePage, ctx: consoleCtx, errors: consoleErrors } = await newPage(w.browser);
    await loginViaUi(consolePage, w.broker.url, rep.username, rep.password);
    await consolePage.getByRole('link', { name: 'Queue' }).click();

    process.env.DISPLAY = x.display;
    customer = new CustomerProcess(['--broker', w.broker.url, '--rep', rep.username, '--pin', w.broker.fingerprint, '--name', 'Karim']);
    const chatUrl = (await customer.line(/^Chat window: (http:\/\/127\.0\.0\.1:\d+\/\S+\/)$/))[1]!;
    const { page: chat, ctx: chatCtx, errors: chatErrors } = await newPage(w.browser);
    await chat.goto(chatUrl);

    await consolePage.getByRole('region', { name: /My personal queue/ }).getByRole('button', { name: 'Accept Karim' }).click();
    const panel = consolePage.getByRole('article');
    await panel.getByRole('heading', { name: /Karim/ }).waitFor();
    const lsid = (await core.sessions.queue()).find((s) => s.customer.name === 'Karim')!.lsid;
    await panel.getByRole('combobox', { name: /Ask the customer for/ }).selectOption({ label: 'control mouse and keyboard' });
    await panel.getByRole('button', { name: 'Ask', exact: true }).click();

    await chat.getByText('Julie Rep asks to control your mouse and keyboard.').waitFor();
    await chat.getByRole('button', { name: 'Allow' }).click();
    await waitForQueue(core, (q) => q.find((s) => s.lsid === lsid)?.grants.includes('screen_control') === true, 'control granted');
    await panel.getByTestId('transcript').getByText('Karim gave control of the mouse and keyboard').waitFor();

    const input = await core.channels.open(lsid, 'input', {});
    const banner = chat.getByRole('status').filter({ hasText: 'controlling' });
    await banner.getByText('Julie Rep is controlling your mouse and keyboard.').waitFor();
    await customer.line(/^\*\*\* Julie Rep is controlling your mouse and keyboard\. .*Press Esc/);
    await chat.screenshot({ path: '/tmp/h13a-chat-controlled.png' });
    // The site's name (POR-8: the default look's "Remote support"), marked while a rep is at work.
    assert.equal(await chat.title(), '● Remote support', 'the tab title says it too');

    // The same page in French.
    const { page: chatFr, ctx: chatFrCtx } = await newPage(w.browser, 'fr-FR');
    await chatFr.goto(chatUrl);
    await chatFr.getByRole('status').getByText('Julie Rep contrôle votre souris et votre clavier.').waitFor();
    await chatFr.getByRole('button', { name: 'Reprendre le contrôle' }).waitFor();
    await chatFrCtx.close();

    await chat.getByRole('button', { name: 'Take back control' }).click();
    assert.equal(await input.closed, 'permission_revoked');
    await chat.getByRole('button', { name: 'Take back control' }).waitFor({ state: 'hidden' });
    await chat.locator('#live').waitFor({ state: 'hidden' });
    await panel.getByTestId('transcript').getByText('Karim took control back').waitFor();
    await customer.line(/^\* Revoked: control your mouse and keyboard\.$/);
    await waitForQueue(core, (q) => q.find((s) => s.lsid === lsid)?.grants.includes('screen_control') === false, 'grant gone');

    await customer.child.stdin.write('/end\n');
    assert.equal(await customer.exited, 0);
    assert.deepEqual(chatErrors, []);
    assert.deepEqual(consoleErrors, []);
    await chatCtx.close();
    await consoleCtx.close();
  });
});

// CON-8 in Chromium: the rep asks for elevation from the console's session panel, the customer
// (the real customer client, run as an unprivileged Linux user made for this test, with a real
// sudo) grants it and types their password; the panel then shows the "elevated" status line and
// the log line, in English and in French, and the status goes when the customer takes the rights back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRep } from '../support/broker.ts';
import { loginViaUi, newPage, startE2e, type E2eWorld } from '../support/browser.ts';
import { customerAs, elevationSkip, makeUser } from '../support/elevation-users.ts';

describe('e2e: elevation seen from the console (CON-8)', { skip: elevationSkip }, () => {
  let w: E2eWorld;
  const cleanups: (() => void | Promise<void>)[] = [];

  before(async () => {
    w = await startE2e();
  });
  after(async () => {
    const failures: unknown[] = [];
    for (const c of cleanups.reverse()) await Promise.resolve().then(c).catch((err: unknown) => failures.push(err));
    await w.close();
    assert.deepEqual(failures, [], 'the test user and the customer client cleaned up');
  });

  it('CON-8, USR-12: the rep asks, the customer grants and types the password; the panel says "elevated" (English and French), then not once taken back', async () => {
    const user = makeUser(true);
    cleanups.push(() => user.remove());
    const rep = await createRep(w.admin, { displayName: 'Élise Rep', permissions: { promptAttended: 'always', elevation: true } });
    cleanups.push(() => rep.api.close());
    const { page } = await newPage(w.browser);
    await loginViaUi(page, w.broker.url, rep.username, rep.password);
    await page.getByRole('link', { name: 'Queue' }).click();

    const customer = customerAs(user.name, { brokerUrl: w.broker.url, fingerprint: w.broker.fingerprint, repId: rep.id });
    cleanups.push(() => customer.stop());
    const welcome = await customer.next((u) => u.kind === 'welcome', 'welcome', 60_000);
    assert.notEqual(welcome.uid, 0, 'the customer client is not root');
    assert.equal(welcome.canElevate, true);
    await page.getByRole('region', { name: /My personal queue/ }).getByRole('button', { name: 'Accept Dominique' }).click();
    const panel = page.getByRole('article');
    await panel.getByRole('heading', { name: /Dominique/ }).waitFor();

    customer.send({ answer: true });
    await panel.getByRole('combobox', { name: /Ask the customer for/ }).selectOption({ label: 'elevation' });
    await panel.getByRole('button', { name: 'Ask', exact: true }).click();
    await customer.next((u) => u.kind === 'elevation' && u.state === 'ask', 'the password prompt');
    assert.equal(await panel.getByRole('status').filter({ hasText: 'Elevated' }).count(), 0, 'not elevated before the password');
    customer.send({ elevate: user.password });
    await customer.next((u) => u.kind === 'elevation' && u.state === 'elevated', 'elevated');
    await panel.getByRole('status').filter({ hasText: "Elevated: the customer's client runs with administrator rights" }).waitFor();
    await panel.getByTestId('transcript').getByText("The customer's client now runs with administrator rights (sudo)", { exact: false }).waitFor();

    // The same in French (the console's language switch), then back.
    await page.getByLabel('Language').selectOption('fr');
    await panel.getByRole('status').filter({ hasText: "Élevé : le logiciel du client a les droits d'administrateur" }).waitFor();
    await page.getByLabel('Langue').selectOption('en');

    customer.send({ revoke: 'elevation' });
    await panel.getByTestId('transcript').getByText('Revoked: elevation').waitFor();
    await panel.getByRole('status').filter({ hasText: 'Elevated' }).waitFor({ state: 'detached' });
    customer.send({ end: true });
  });
});

// The renderer's calls to the desktop shell (CON-2): the tray badge follows the waiting count and a
// new session raises a native notification when the console is not in front. Electron's main
// process cannot run here (no Electron binary), so the test stands in for `window.passerelle.desktop`
// — the one part mocked — and records what the real renderer asks of it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRep } from '../support/broker.ts';
import { loginViaUi, newPage, startE2e, type E2eWorld } from '../support/browser.ts';
import { CustomerProcess } from '../support/customer-client.ts';

describe('e2e: desktop shell calls from the console', () => {
  let w: E2eWorld;
  const procs: CustomerProcess[] = [];
  before(async () => {
    w = await startE2e();
  });
  after(async () => {
    for (const p of procs) await p.stop();
    await w.close();
  });

  it('CON-2: the tray count follows the queue and a new session notifies natively when the console is behind', async () => {
    const rep = await createRep(w.admin, { username: 'trayrep', displayName: 'Tray Rep' });
    const { page, ctx } = await newPage(w.browser);
    // Given as source text: a function would be transpiled with helpers the page does not have.
    await page.addInitScript({
      content: `
        const calls = [];
        window.desktopCalls = calls;
        window.passerelle = {
          desktop: {
            setQueueCount: async (n) => { calls.push(['setQueueCount', n]); },
            notify: async (title, body, sessionId) => { calls.push(['notify', title, body, sessionId]); },
            info: async () => ({ version: 'stand-in', platform: 'linux', hostMode: false }),
          },
        };
        // The console window is behind another one.
        document.hasFocus = () => false;
      `,
    });
    const calls = () => page.evaluate(() => (window as unknown as { desktopCalls: unknown[][] }).desktopCalls);
    await loginViaUi(page, w.broker.url, rep.username, rep.password);
    await page.getByRole('link', { name: 'Queue' }).click();
    await page.getByRole('heading', { name: 'Support sessions' }).waitFor();

    const key = (await rep.api.post('/api/v1/session-keys', {})).body.key as string;
    const p = new CustomerProcess(['--broker', w.broker.url, '--key', key, '--pin', w.broker.fingerprint, '--name', 'Inès']);
    procs.push(p);
    await p.line(/^Connected/);
    await page.getByRole('region', { name: /General queue/ }).getByText('Inès').waitFor();
    await page.waitForFunction(() =>
      (window as unknown as { desktopCalls: unknown[][] }).desktopCalls.some((c) => c[0] === 'notify'),
    );
    const seen = await calls();
    assert.deepEqual(seen.filter((c) => c[0] === 'setQueueCount').at(-1), ['setQueueCount', 1]);
    const note = seen.find((c) => c[0] === 'notify')!;
    assert.match(String(note[2]), /Inès/);
    assert.match(String(note[3]), /\S/, 'the notification opens that session');

    await page.getByRole('button', { name: 'Accept Inès' }).click();
    await page.waitForFunction(() => {
      const c = (window as unknown as { desktopCalls: unknown[][] }).desktopCalls.filter((x) => x[0] === 'setQueueCount');
      return c.at(-1)?.[1] === 0;
    });
    await ctx.close();
    await rep.api.close();
  });
});

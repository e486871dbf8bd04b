// REP-5 in Chromium: with "record sessions" on, a session whose customer streams its screen
// (real H.264 from the codec library, sent by a Node customer session — the customer client's
// capture on Xvfb is exercised by the screen tests; here the recording is what is tested) and
// whose rep takes and gives back control is recorded; an administrator opens it from the
// Reports list, the conversion shows progress, the video plays at ×8, seeking moves the "who has
// control" status along the control track, the chat line seeks, and the downloaded MP4 is read
// by ffprobe with the recording's duration. Recording state is set through the Status page.
// Then the same with the real customer client capturing an Xvfb display (an xterm on it): the rep
// asks for view and control from the console in Chromium, the customer allows each on its
// terminal; the recording's video shows the display (compared with an xwd capture) and its
// control track names the rep.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { createScreenEncoder } from '../../src/codec/index.ts';
import { encodeScreenMessage } from '../../src/protocol/screen.ts';
import { createRep, ADMIN_PASSWORD } from '../support/broker.ts';
import { loginViaUi, newPage, startE2e, type E2eWorld } from '../support/browser.ts';
import { customerSession, repCore, waitForQueue } from '../support/channels.ts';
import { CustomerProcess } from '../support/customer-client.ts';
import { crop, meanAbsDiff, xwdCapture, type RgbaPicture } from '../support/screen-pixels.ts';
import { startXvfb, waitForWindow } from '../support/x-display.ts';

const grantAll = { promptAttended: 'never', screenSharing: true, fileTransfer: true, annotations: true };

describe('e2e: session recordings (REP-5)', () => {
  let w: E2eWorld;
  let lsid = '';
  let seq = 0;
  let repName = '';

  before(async () => {
    w = await startE2e();
  });
  after(async () => {
    await w?.close();
  });

  it('REP-5: an administrator turns recording on from the Status page', async () => {
    const { page, ctx, errors } = await newPage(w.browser);
    try {
      await loginViaUi(page, w.broker.url, 'admin', ADMIN_PASSWORD);
      await page.getByRole('link', { name: 'Status' }).click();
      const form = page.getByRole('form', { name: 'Session recordings' });
      await form.getByRole('checkbox', { name: 'Record new sessions (customers are told)' }).check();
      await form.getByRole('spinbutton', { name: /Keep recordings for/ }).fill('30');
      await form.getByRole('button', { name: 'Save recording settings' }).click();
      await form.getByText('Saved').waitFor();
      const s = await w.admin.get('/api/v1/site/status');
      assert.equal(s.body.settings.recordSessions, true);
      assert.equal(s.body.settings.recordingRetentionDays, 30);
      assert.deepEqual(errors, []);
    } finally {
      await ctx.close();
    }
  });

  it('REP-5: a recorded screen session replays with its control track and downloads as a video ffprobe reads', async () => {
    const r = await createRep(w.admin, { permissions: grantAll });
    repName = `Rep ${r.username}`;
    const c = await repCore(w.broker, r.username, r.password);
    const cust = customerSession(w.broker.url, w.broker.fingerprint, r.id);
    const welcome = new Promise<{ recorded?: boolean; sequenceNumber: number }>((resolve) => cust.session.once('welcome', resolve));
    try {
      lsid = await cust.welcomed;
      const wel = await welcome;
      assert.equal(wel.recorded, true, 'the customer is told');
      seq = wel.sequenceNumber;
      await waitForQueue(c.core, (q) => q.some((s) => s.lsid === lsid), 'queued');
      await c.core.sessions.accept(lsid);
      for (const p of ['screen_view', 'screen_control'] as const) await c.core.sessions.requestPermission(lsid, p);
      await waitForQueue(c.core, (q) => (q.find((s) => s.lsid === lsid)?.grants.length ?? 0) >= 2, 'grants');
      await c.core.sessions.chat(lsid, 'Je prends la main');
      const view = await c.core.channels.open(lsid, 'screen', { monitor: 0, codec: 'h264' });
      const producer = await cust.nextChannel();
      view.onMessage(() => undefined);
      const enc = createScreenEncoder('h264', { quality: 'balanced', width: 640, height: 360 });
      let input: Awaited<ReturnType<typeof c.core.channels.open>> | null = null;
      // 3 s of screen at 10 frames a second; the rep holds control from 1 s to 2 s.
      for (let i = 0; i < 30; i++) {
        const data = Buffer.alloc(640 * 360 * 4);
        data.fill(i * 8, 0, ((i % 30) + 1) * 640 * 12 * 4);
        const f = await enc.encode({ width: 640, height: 360, data, captureTime: Date.now() }, { key: i % 10 === 0 });
        if (f) {
          await producer.whenWritable();
          producer.writeLatest(encodeScreenMessage(f), { key: f.key });
        }
        if (i === 10) {
          input = await c.core.channels.open(lsid, 'input', {});
          const agent = await cust.nextChannel();
          agent.onMessage(() => undefined);
          await input.write(new TextEncoder().encode('{"t":"move","x":5,"y":5}'));
        }
        if (i === 20) await input?.close('done');
        // The stream's own pace: a frame every 100 ms.
        await delay(100);
      }
      enc.close();
      await c.core.sessions.end(lsid);
    } finally {
      if (!cust.session.ended) cust.session.send({ type: 'end' });
      await c.close();
      await r.api.close();
    }

    const { page, ctx, errors } = await newPage(w.browser);
    try {
      await loginViaUi(page, w.broker.url, 'admin', ADMIN_PASSWORD);
      await page.goto(`${w.broker.url}/console/reports?lsid=${lsid}`);
      await page.getByRole('link', { name: `Recording of session ${seq}` }).click();
      await page.getByRole('heading', { name: `Recording of session ${lsid}` }).waitFor();
      // The conversion runs on first view (its progress bar may be too quick to see), then the player.
      const video = page.getByLabel('Recorded screen');
      await video.waitFor({ timeout: 60_000 });
      await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 1, undefined, { timeout: 20_000 });
      const duration = await video.evaluate((v: HTMLVideoElement) => v.duration);
      const rec = (await w.admin.get(`/api/v1/reports/sessions/${lsid}/recording`)).body;
      assert.ok(Math.abs(duration * 1000 - rec.durationMs) <= 200, `the player's duration ${duration} s, the recording ${rec.durationMs} ms`);

      const track = page.getByRole('list', { name: 'Who controlled the mouse and keyboard' });
      const items = await track.getByRole('listitem').allTextContents();
      assert.equal(items.length, 3, items.join(' | '));
      assert.match(items[0]!, /Nobody controls/);
      assert.match(items[1]!, new RegExp(`${repName} has the mouse and keyboard`));
      assert.match(items[2]!, /Nobody controls/);

      const holder = page.getByTestId('replay-holder');
      await track.getByRole('listitem').nth(1).getByRole('button').click();
      await page.waitForFunction((name) => document.querySelector('[data-testid="replay-holder"]')?.textContent?.includes(name), repName);
      const seeked = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
      assert.ok(Math.abs(seeked * 1000 - rec.controlTrack[0].t) < 150, `seeked to ${seeked}`);
      await page.getByRole('slider', { name: 'Position' }).fill(String(Math.round(rec.durationMs - 300)));
      await page.waitForFunction(() => document.querySelector('[data-testid="replay-holder"]')?.textContent?.includes('Nobody'));
      assert.match((await holder.textContent()) ?? '', /Nobody/);

      // Play from the start at ×8: it reaches the end well before real time would.
      await page.getByRole('list', { name: 'Chat lines' }).getByRole('button', { name: /line by/ }).click();
      await page.getByLabel('Speed').selectOption('8');
      assert.equal(await video.evaluate((v: HTMLVideoElement) => v.playbackRate), 8);
      await page.getByRole('group', { name: 'Replay controls' }).getByRole('button', { name: 'Play' }).click();
      await page.getByRole('button', { name: 'Pause' }).waitFor();
      await page.waitForFunction(() => document.querySelector('video')?.ended === true, undefined, { timeout: 20_000 });
      await page.getByRole('group', { name: 'Replay controls' }).getByRole('button', { name: 'Play' }).waitFor();

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the video' }).click()]);
      const file = join(w.broker.dataDir, 'replay-download.mp4');
      await download.saveAs(file);
      const seconds = Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]).toString().trim());
      assert.ok(Math.abs(seconds * 1000 - rec.durationMs) <= 150, `ffprobe reads ${seconds} s for ${rec.durationMs} ms`);
      assert.deepEqual(errors, []);
    } finally {
      await ctx.close();
    }
  });

  it('REP-5: the real customer client on an Xvfb display is recorded: the video shows the display, the control track names the rep', async () => {
    const x = await startXvfb({ width: 1280, height: 720 });
    const home = mkdtempSync(join(tmpdir(), 'passerelle-e2e-rec-home-'));
    let p: CustomerProcess | null = null;
    const rep = await createRep(w.admin, { username: 'recrep', displayName: 'Romane Rep', permissions: grantAll });
    const { page, ctx, errors } = await newPage(w.browser);
    try {
      x.spawn('xterm', ['-geometry', '60x15+0+0', '-bg', 'rgb:10/40/20', '-fg', 'rgb:ff/ff/ff', '-T', 'e2e-rec-xterm', '-e', 'sh'], { env: { HOME: home }, cwd: home });
      await waitForWindow(x, '^e2e-rec-xterm$');
      await loginViaUi(page, w.broker.url, rep.username, rep.password);
      await page.getByRole('link', { name: 'Queue' }).click();
      await page.getByRole('button', { name: 'Generate session key' }).click();
      const key = /(\d{3} \d{3} \d{3})/.exec((await page.getByTestId('session-key').textContent())!)![1]!;
      p = new CustomerProcess(['--broker', w.broker.url, '--key', key, '--pin', w.broker.fingerprint, '--name', 'Rémi'], { env: { ...x.env, HOME: home } });
      await p.line(/^Connected/, 30_000);
      await page.getByRole('region', { name: /General queue/ }).getByRole('button', { name: 'Accept Rémi' }).click();
      const panel = page.getByRole('article');
      await panel.getByRole('heading', { name: /Rémi/ }).waitFor();
      // The rep's prompt setting is "never": each is granted without asking the customer (USR-13).
      for (const [label, granted] of [['view the screen', /Granted: view your screen/], ['control mouse and keyboard', /Granted: control your mouse and keyboard/]] as const) {
        await panel.getByRole('combobox', { name: /Ask the customer for/ }).selectOption({ label });
        await panel.getByRole('button', { name: 'Ask', exact: true }).click();
        await p.line(granted);
      }
      const tools = panel.getByRole('region', { name: 'Tools' });
      await tools.getByRole('status').getByText(/Live · Controlling the mouse and keyboard/).waitFor({ timeout: 30_000 });
      // The rep moves the pointer over the picture: the input channel carries it (control track).
      const canvas = page.getByRole('img', { name: "The customer's screen" });
      await canvas.click({ position: { x: 100, y: 80 } });
      await canvas.hover({ position: { x: 140, y: 90 } });
      await panel.getByTestId('transcript').getByText('Remote control started').waitFor();
      const list = await w.admin.get('/api/v1/reports/sessions?customerName=R%C3%A9mi');
      const lsid2 = list.body.sessions[0].lsid as string;
      let seen: unknown = null;
      await waitUntilOk(async () => {
        const v = (await w.admin.get(`/api/v1/reports/sessions/${lsid2}/recording`)).body;
        seen = v;
        return (v?.controlTrack?.length ?? 0) >= 1;
      }).catch((err: Error) => {
        throw new Error(`${err.message} waiting for the control track: ${JSON.stringify(seen).slice(0, 400)}`);
      });
      // The rep ends the session from the console (a customer leaving would leave room to resume).
      await panel.getByRole('button', { name: 'End session' }).click();
      await page.getByRole('dialog', { name: 'End this session?' }).getByRole('button', { name: 'End session' }).click();
      await waitUntilOk(async () => (await w.admin.get(`/api/v1/reports/sessions/${lsid2}/recording`)).body?.end === 'complete');
      const truth = crop(await xwdCapture(x.display), 0, 0, 320, 200);
      const rec = (await w.admin.get(`/api/v1/reports/sessions/${lsid2}/recording`)).body;
      assert.equal(rec.hasScreen, true);
      assert.ok(rec.controlTrack.some((c: { holder: { name: string } | null }) => c.holder?.name === 'Romane Rep'), JSON.stringify(rec.controlTrack));
      await (await w.broker.services.recordings.convert(lsid2)).done;
      const file = join(w.broker.dataDir, 'recordings', `${lsid2}.mp4`);
      const seconds = Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]).toString().trim());
      assert.ok(Math.abs(seconds * 1000 - rec.durationMs) <= 150, `ffprobe reads ${seconds} s for ${rec.durationMs} ms`);
      // The video's last picture is the display as it was (the xterm did not change since).
      // Every picture decoded, the last one kept: `-sseof -0.3` landed before the first picture when
      // it reached the recording in the last 0.3 s (a 1.0 s video, black until 0.8 s, in CI).
      const all = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-vf', 'crop=320:200:0:0', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { maxBuffer: 512 * 1024 * 1024 });
      const frameBytes = 320 * 200 * 4;
      assert.ok(all.length >= frameBytes && all.length % frameBytes === 0, `ffmpeg gave ${all.length} bytes of pictures`);
      const shown: RgbaPicture = { width: 320, height: 200, rgba: new Uint8Array(all.subarray(all.length - frameBytes)) };
      const d = meanAbsDiff(shown, truth);
      assert.ok(d < 12, `the recorded picture differs from the display by ${d} on average`);
      assert.deepEqual(errors, []);
    } finally {
      await p?.stop();
      await ctx.close();
      await rep.api.close();
      await x.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});

async function waitUntilOk(pred: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error('timed out');
    await delay(100);
  }
}

// JMP-9, USR-10, USR-13 end to end: the real Jump Client (`passerelle jump install`, then
// `passerelle jump run` as a child process on an Xvfb display), a rep's console-core jumps to it
// from the list, the unattended session is the rep's at once, chat reaches the agent, and the
// screen channel delivers frames of that display through the broker. A rep whose unattended
// prompt setting is "always" gets the remote user's answer from a dialog on that display.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Channel } from '../../src/protocol/channel-endpoint.ts';
import { decodeScreenMessage } from '../../src/protocol/screen.ts';
import type { SessionEvent } from '../../src/protocol/sessions.ts';
import { PROMPT_TITLE } from '../../src/endpoint/jump/consent-prompt.ts';
import { ADMIN_PASSWORD, adminClient, createRep, startTestBroker, type ApiClient, type TestBroker } from '../support/broker.ts';
import { repCore, waitForQueue, type Core } from '../support/channels.ts';
import { createDeployment } from '../support/jump.ts';
import { JumpProcess } from '../support/jump-process.ts';
import { startXvfb, waitForWindow, type XDisplay } from '../support/x-display.ts';

/** Reads the screen channel until a picture arrives; returns the stream's size and the first picture's kind. */
async function firstPicture(ch: Channel): Promise<{ width: number; height: number; kind: string; bytes: number }> {
  let size: { width: number; height: number } | null = null;
  for await (const m of ch) {
    const msg = decodeScreenMessage(m.payload);
    if (msg.type === 'info') size = { width: msg.info.streamWidth, height: msg.info.streamHeight };
    if ((msg.type === 'video' || msg.type === 'tiles') && size) return { ...size, kind: msg.type, bytes: m.payload.length };
  }
  throw new Error('the screen channel closed before a picture');
}

/** Resolves when the session log has an event matching (already there, or when it comes). */
function untilEvent(core: Core, lsid: string, pred: (body: SessionEvent['body']) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const off = core.sessions.onEvent((n) => {
      if (n.lsid !== lsid || !pred(n.event.body)) return;
      off();
      resolve();
    });
  });
}

describe('Jumping to a Jump Client on Xvfb (JMP-9, USR-10, USR-13)', () => {
  let x: XDisplay;
  let broker: TestBroker;
  let admin: ApiClient;
  let rep: { core: Core; close(): Promise<void> };
  let agent: JumpProcess;
  let clientId = '';
  const root = mkdtempSync(join(tmpdir(), 'passerelle-jump-xvfb-'));
  const installDir = join(root, 'agent');

  before(async () => {
    x = await startXvfb({ width: 800, height: 600 });
    x.spawn('xterm', ['-geometry', '80x24+10+10', '-title', 'jump-xterm', '-e', 'sh', '-c', 'echo Bonjour depuis le Jump Client; sleep 600']);
    broker = await startTestBroker({ jump: { heartbeatSeconds: 2 } });
    admin = await adminClient(broker);
    const d = await createDeployment(admin, { tag: 'xvfb' });
    const install = new JumpProcess(['install', '--broker', broker.url, '--pin', broker.fingerprint, '--key', d.keyInfo, '--install-dir', installDir, '--jc-comments', 'Poste sur Xvfb']);
    const [, id] = (await install.line(/^Jump Client (jc_\S+) installed in /))!;
    clientId = id!;
    assert.equal(await install.exited, 0);
    agent = new JumpProcess(['run', '--install-dir', installDir], { ...x.env });
    await agent.line(/online at https:\/\/127\.0\.0\.1:\d+ as jc_/);
    rep = await repCore(broker, 'admin', ADMIN_PASSWORD);
  });
  after(async () => {
    await agent?.stop();
    await rep?.close();
    await admin?.close();
    await broker?.stop();
    await x?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('JMP-9: a rep jumps from the list; the unattended session is theirs at once, chat reaches the agent, and the screen channel delivers pictures of its display', async () => {
    const list = await rep.core.jump.list({ q: 'xvfb' });
    const c = list.clients.find((v) => v.id === clientId)!;
    assert.equal(c.online, true);
    assert.equal(c.hostName, hostname());
    assert.equal(c.comments, 'Poste sur Xvfb');

    const { lsid } = await rep.core.jump.jump(clientId);
    await agent.line(new RegExp(`started session ${lsid}`));
    const [session] = (await waitForQueue(rep.core, (q) => q.some((s) => s.lsid === lsid && s.state === 'active'), 'the jump session')).filter((s) => s.lsid === lsid);
    assert.equal(session!.customer.computerName, hostname());
    assert.equal(session!.method, 'jump');
    await rep.core.sessions.chat(lsid, 'Bonjour, je me connecte à votre poste');
    await agent.line(/chat from Administrator: Bonjour, je me connecte à votre poste/);

    // Admin's unattended prompt setting is "never": granted by policy, no dialog.
    try {
      await rep.core.sessions.requestPermission(lsid, 'screen_view');
      const events = await rep.core.sessions.events(lsid);
      assert.ok(events.some((e) => e.body.kind === 'permission_granted' && e.body.permission === 'screen_view' && e.body.by === 'policy'));
      const screen = await rep.core.channels.open(lsid, 'screen', { monitor: 0 });
      const pic = await firstPicture(screen);
      assert.equal(pic.width, 800);
      assert.equal(pic.height, 600);
      assert.ok(pic.bytes > 100, 'a real picture');
      screen.close();
    } finally {
      await rep.core.sessions.end(lsid);
      await agent.line(new RegExp(`session ${lsid} ended`));
    }
  });

  it('USR-13: with the rep\'s unattended prompt set to "always", the remote user answers a dialog on the display: allowed, then a dismissed one denied', async () => {
    const asker = await createRep(admin, { username: 'prudence', displayName: 'Prudence', permissions: { jumpStartAll: true, promptUnattended: 'always', screenSharing: true, fileTransfer: true } });
    const core = await repCore(broker, 'prudence', asker.password);
    try {
      const { lsid } = await core.core.jump.jump(clientId);
      await waitForQueue(core.core, (q) => q.some((s) => s.lsid === lsid && s.state === 'active'), 'the jump session');
      const granted = untilEvent(core.core, lsid, (b) => b.kind === 'permission_granted' && b.permission === 'screen_view' && b.by === 'customer');
      const denied = untilEvent(core.core, lsid, (b) => b.kind === 'permission_denied' && b.permission === 'file_transfer');
      await core.core.sessions.requestPermission(lsid, 'screen_view');
      const win = await waitForWindow(x, PROMPT_TITLE);
      // The dialog's default button is Allow: Return on it answers.
      await x.run('xdotool', ['windowfocus', '--sync', win, 'key', 'Return']);
      await agent.line(new RegExp(`session ${lsid}: screen_view allowed by the remote user`));
      await core.core.sessions.requestPermission(lsid, 'file_transfer');
      const win2 = await waitForWindow(x, PROMPT_TITLE);
      await x.run('xdotool', ['windowkill', win2]);
      await agent.line(new RegExp(`session ${lsid}: file_transfer denied by the remote user`));
      await granted;
      await denied;
      await core.core.sessions.end(lsid);
    } finally {
      await core.close();
      await asker.api.close();
    }
  });

  it('JMP-9: a jump to a Jump Client that went offline, or was removed, is refused with the reason', async () => {
    await agent.stop();
    const offline = await admin.post(`/api/v1/jump-clients/${clientId}/jump`);
    assert.equal(offline.status, 409);
    assert.equal(offline.body.error.code, 'jump_client_offline');
    await admin.delete(`/api/v1/jump-clients/${clientId}`);
    const removed = await admin.post(`/api/v1/jump-clients/${clientId}/jump`);
    assert.equal(removed.status, 404);
  });
});

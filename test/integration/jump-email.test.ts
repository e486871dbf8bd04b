// JMP-7 against a real SMTP server (npm smtp-server on loopback): the wizard's link emailed to
// several recipients through the site's SMTP settings, the link in the message downloads the
// installer with the site's settings appended, and several computers install from it. Bad input:
// no mail server set, addresses that are not addresses, a server that refuses, another rep's
// deployment.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent, fetch } from 'undici';
import { decodeTrailerJson, TRAILER_FIXED_BYTES, trailerLength } from '../../src/protocol/embedded-config.ts';
import { adminClient, createRep, startTestBroker, type ApiClient, type TestBroker } from '../support/broker.ts';
import { cleanup, createDeployment, installAgent } from '../support/jump.ts';
import { mailText, startSmtp, type TestSmtp } from '../support/smtp.ts';

describe('Jump Clients: the installer link by email (JMP-7)', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  let smtp: TestSmtp;
  let installers: string;
  const roots: string[] = [];
  const fakeInstaller = Buffer.from('#!/bin/sh\necho stand-in for the Linux Jump Client executable\n');

  before(async () => {
    installers = mkdtempSync(join(tmpdir(), 'passerelle-jump-installers-'));
    // The real executable is built by `npm run build:jump`; the link test only needs its bytes.
    writeFileSync(join(installers, 'passerelle-jump-linux-x64'), fakeInstaller);
    broker = await startTestBroker({ jumpInstallersDir: installers });
    admin = await adminClient(broker);
    smtp = await startSmtp();
  });
  after(async () => {
    await admin.close();
    await broker.stop();
    await smtp.close();
    rmSync(installers, { recursive: true, force: true });
    for (const r of roots) cleanup(r);
  });

  it('JMP-7: without SMTP settings the email is refused with the reason; nothing is sent', async () => {
    const d = await createDeployment(admin);
    const r = await admin.post(`/api/v1/jump/deployments/${d.id}/email`, { recipients: ['a@example.com'] });
    assert.equal(r.status, 502);
    assert.equal(r.body.error.code, 'email_failed');
    assert.match(r.body.error.message, /not set up/);
    assert.equal(smtp.mails.length, 0);
  });

  it('JMP-7: the link reaches several recipients through the site SMTP server; it downloads the installer carrying the site and the key; two computers install from it', async () => {
    const set = await admin.patch('/api/v1/site/smtp', { host: '127.0.0.1', port: smtp.port, secure: false, from: 'support@example.com' });
    assert.equal(set.status, 200);
    const d = await createDeployment(admin, { maxInstalls: 3, tag: 'caisses' });
    const r = await admin.post(`/api/v1/jump/deployments/${d.id}/email`, {
      recipients: ['Marie@Example.com', 'paul@example.org', 'marie@example.com'],
      message: 'Merci de l’installer avant lundi',
      language: 'fr',
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body, { sent: 2, recipients: ['marie@example.com', 'paul@example.org'] });
    const mail = await smtp.next();
    assert.equal(mail.from, 'support@example.com');
    assert.deepEqual([...mail.to].sort(), ['marie@example.com', 'paul@example.org', 'support@example.com']);
    assert.ok(!/^Bcc:/im.test(mail.raw), 'recipients do not see each other');
    const text = mailText(mail.raw);
    assert.match(text, /Merci de l’installer avant lundi/);
    assert.match(text, /encore servir 3 fois/);
    const link = text.match(/https:\/\/\S+/)?.[0];
    assert.equal(link, d.downloadUrl);

    // The link works: the installer with the site, its pin and the key appended.
    const got = await fetch(link!, { dispatcher: new Agent({ connect: { ca: broker.certificate } }) });
    assert.equal(got.status, 200);
    const bytes = Buffer.from(await got.arrayBuffer());
    assert.ok(bytes.subarray(0, fakeInstaller.length).equals(fakeInstaller));
    const len = trailerLength(new Uint8Array(bytes.subarray(bytes.length - TRAILER_FIXED_BYTES)));
    assert.ok(len);
    const cfg = decodeTrailerJson(new Uint8Array(bytes.subarray(bytes.length - TRAILER_FIXED_BYTES - len!, bytes.length - TRAILER_FIXED_BYTES)));
    assert.equal(cfg.keyInfo, d.keyInfo);
    assert.equal(cfg.pin, broker.fingerprint);
    assert.match(cfg.broker, /^https:\/\/127\.0\.0\.1:\d+$/);

    // Several people install from the one link.
    for (let n = 0; n < 2; n++) {
      const i = await installAgent(broker, cfg.keyInfo!);
      roots.push(i.root);
    }
    assert.equal((await admin.get(`/api/v1/jump/deployments/${d.id}`)).body.installs, 2);
  });

  it('JMP-7: addresses that are not addresses, too many recipients, a refusing mail server, another rep\'s deployment: refused with the reason', async () => {
    const d = await createDeployment(admin);
    const bad = await admin.post(`/api/v1/jump/deployments/${d.id}/email`, { recipients: ['not-an-address'] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'validation_failed');
    const many = await admin.post(`/api/v1/jump/deployments/${d.id}/email`, { recipients: Array.from({ length: 51 }, (_, n) => `u${n}@example.com`) });
    assert.equal(many.status, 400);
    const none = await admin.post(`/api/v1/jump/deployments/${d.id}/email`, { recipients: [] });
    assert.equal(none.status, 400);

    const refusing = await startSmtp({ rejectAll: true });
    try {
      await admin.patch('/api/v1/site/smtp', { port: refusing.port });
      const r = await admin.post(`/api/v1/jump/deployments/${d.id}/email`, { recipients: ['x@example.com'] });
      assert.equal(r.status, 502);
      assert.equal(r.body.error.code, 'email_failed');
      assert.match(r.body.error.message, /Mailbox unavailable/);
    } finally {
      await refusing.close();
      await admin.patch('/api/v1/site/smtp', { port: smtp.port });
    }

    const rep = await createRep(admin, { username: 'ines' });
    try {
      const r = await rep.api.post(`/api/v1/jump/deployments/${d.id}/email`, { recipients: ['x@example.com'] });
      assert.equal(r.status, 403);
      assert.equal(r.body.error.code, 'forbidden');
    } finally {
      await rep.api.close();
    }
  });
});

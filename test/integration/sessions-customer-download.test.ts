// The downloadable customer client (POR-3): a Linux single executable that already knows the
// site's address, its certificate pin and the session it was downloaded for.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { checkServerIdentity } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { Agent, fetch } from 'undici';
import { appRoot } from '../../src/broker/app-root.ts';
import {
  decodeTrailerJson, MAX_EMBEDDED_CONFIG_BYTES, TRAILER_FIXED_BYTES, trailerLength, type EmbeddedConfig,
} from '../../src/protocol/embedded-config.ts';
import { createRep, type ApiClient, type TestBroker, brokerWithAdmin } from '../support/broker.ts';
import { CustomerSocket, repConsole, repEvent, type RepSocket } from '../support/sessions.ts';

const exe = join(appRoot().root, 'dist', 'customer', `passerelle-customer-linux-${process.arch}`);

describe('the customer client download (Linux single executable)', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  let rep: Awaited<ReturnType<typeof createRep>>;
  let repWs: RepSocket;
  let dispatcher: Agent;
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-download-'));

  before(async () => {
    // Built by `npm run build:customer` (part of `npm run build`); built here when missing.
    if (!existsSync(exe)) execFileSync(process.execPath, ['scripts/build-customer-sea.mjs'], { cwd: appRoot().root, stdio: 'ignore' });
  });
  brokerWithAdmin(async (b, a, defer) => {
    broker = b;
    admin = a;
    defer(async () => {
      await repWs.close();
      await rep.api.close();
      await dispatcher.close();
    });
    rep = await createRep(admin, { displayName: 'Sam Rep' });
    repWs = await repConsole(broker, rep);
    dispatcher = new Agent({ connect: { ca: broker.certificate } });
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('POR-3: downloaded from the portal with a ticket, it runs with no options and joins that session', async () => {
    const key = (await rep.api.post('/api/v1/session-keys', {})).body.key;
    const start = await admin.post('/api/v1/portal/start', { method: 'session_key', key, customerName: 'Téa' });
    assert.equal(start.status, 200);
    const res = await fetch(`${broker.url}/download/customer/linux-x64?ticket=${start.body.ticket}`, { dispatcher });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="passerelle-support-linux-x64"/);
    const file = join(dir, 'passerelle-support');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    chmodSync(file, 0o755);

    const child = spawn(file, ['--no-browser'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    try {
      const upd = await repWs.next((m) => m.type === 'session.updated' && m.isNew, 'the session', 15_000);
      assert.equal(upd.session.customer.name, 'Téa');
      assert.equal(upd.session.method, 'session_key');
      assert.deepEqual(upd.session.queue, { kind: 'general' });
      await repWs.call({ type: 'session.accept', lsid: upd.session.lsid });
      await repWs.chat(upd.session.lsid, 'Bonjour Téa');
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no chat line; got ${out} / ${err}`)), 10_000);
        const check = () => out.includes('Sam Rep: Bonjour Téa') && (clearTimeout(timer), resolve());
        child.stdout.on('data', check);
        check();
      });
      child.stdin.write('/end\n');
      await repEvent(repWs, upd.session.lsid, 'session_ended');
      const [code] = await new Promise<[number | null]>((resolve) => child.once('exit', (c) => resolve([c])));
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('STA-5, POR-3: the download carries the "host name clients connect to" (host and port), never the request\'s Host header', async () => {
    const trailerOf = (headers: Record<string, string>) =>
      new Promise<EmbeddedConfig>((resolve, reject) => {
        const req = httpsRequest(`${broker.url}/download/customer/linux-x64`, {
          ca: broker.certificate, headers,
          // The certificate is checked against the address dialled, not the forged Host header.
          checkServerIdentity: (_host, cert) => checkServerIdentity('127.0.0.1', cert),
        }, (res) => {
          if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`));
          let tail = Buffer.alloc(0);
          res.on('data', (d: Buffer) => (tail = Buffer.concat([tail, d]).subarray(-MAX_EMBEDDED_CONFIG_BYTES - TRAILER_FIXED_BYTES)));
          res.on('end', () => {
            const n = trailerLength(tail.subarray(-TRAILER_FIXED_BYTES));
            if (n === null) return reject(new Error('no trailer'));
            resolve(decodeTrailerJson(tail.subarray(-TRAILER_FIXED_BYTES - n, -TRAILER_FIXED_BYTES)));
          });
        });
        req.on('error', reject);
        req.end();
      });
    // By default: the broker's own host and port, whatever Host the browser sent.
    assert.equal((await trailerOf({ host: 'evil.example:1' })).broker, `https://127.0.0.1:${broker.port}`);
    assert.equal((await admin.patch('/api/v1/site/settings', { clientHostName: 'support.example.com:9443' })).status, 200);
    try {
      const config = await trailerOf({ host: `127.0.0.1:${broker.port}` });
      assert.equal(config.broker, 'https://support.example.com:9443');
      assert.equal(config.pin, broker.fingerprint);
      assert.equal((await trailerOf({ host: 'evil.example' })).broker, 'https://support.example.com:9443');
      // The command a web chat customer is offered names the same address (issue 9 item 6).
      const web = await CustomerSocket.join(broker, { kind: 'rep', rep: rep.username }, { name: 'Web' }, 'web_chat', []);
      const { lsid } = await web.welcome();
      await repWs.call({ type: 'session.accept', lsid });
      await repWs.call({ type: 'session.offer_full_client', lsid });
      const offered = await web.event('full_client_offered');
      assert.equal(offered.event.body.command, `passerelle customer --broker https://support.example.com:9443 --pin ${broker.fingerprint}`);
      await web.action({ type: 'end' });
    } finally {
      await admin.patch('/api/v1/site/settings', { clientHostName: `127.0.0.1:${broker.port}` });
    }
  });

  it('refuses an unknown ticket and an unknown platform', async () => {
    let res = await fetch(`${broker.url}/download/customer/linux-x64?ticket=nope`, { dispatcher });
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as any).error.code, 'invalid_session_key');
    res = await fetch(`${broker.url}/download/customer/win-x64`, { dispatcher });
    assert.equal(res.status, 400);
    await res.text();
  });
});

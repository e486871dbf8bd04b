// What the broker's HTTPS answers regardless of route (CON-11): pages a browser must revalidate
// after an upgrade while hashed assets stay immutable, and only modern TLS suites.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type ConnectionOptions } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { appRoot } from '../../src/broker/app-root.ts';
import { ApiClient, startTestBroker, type TestBroker } from '../support/broker.ts';
import { assertRendererBuilt } from '../support/browser.ts';

/** The protocol and cipher a handshake agreed on, or the error that refused it. */
function handshake(port: number, opts: ConnectionOptions): Promise<{ protocol: string | null; cipher: string } | { error: string }> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...opts }, () => {
      resolve({ protocol: socket.getProtocol(), cipher: socket.getCipher().name });
      socket.end();
    });
    socket.on('error', (err) => resolve({ error: err.message }));
  });
}

describe('broker HTTPS hardening', () => {
  let broker: TestBroker;
  let api: ApiClient;
  before(async () => {
    assertRendererBuilt();
    broker = await startTestBroker();
    api = new ApiClient(broker);
  });
  after(async () => {
    await api.close();
    await broker.stop();
  });

  it('CON-11: pages (/login, /console, /) are no-cache; only hashed assets are immutable', async () => {
    for (const path of ['/login', '/console', '/console/queue', '/']) {
      const res = await api.get(path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('cache-control'), 'no-cache', `${path} must be revalidated after an upgrade`);
    }
    const asset = readdirSync(join(appRoot().root, 'dist', 'renderer', 'assets')).find((f) => f.endsWith('.js'))!;
    const res = await api.get(`/assets/${asset}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('cache-control') ?? '', /immutable/);
  });

  it('CON-11: TLS 1.3 and AEAD suites on TLS 1.2 only; CBC suites and TLS 1.1 are refused', async () => {
    const t13 = await handshake(broker.port, { minVersion: 'TLSv1.3' });
    assert.ok('protocol' in t13 && t13.protocol === 'TLSv1.3', JSON.stringify(t13));
    // The suite's signature half follows the certificate's key (ECDSA P-256 when the broker made it).
    const sig = new X509Certificate(broker.certificate).publicKey.asymmetricKeyType === 'ec' ? 'ECDSA' : 'RSA';
    const gcm = await handshake(broker.port, { maxVersion: 'TLSv1.2', ciphers: `ECDHE-${sig}-AES128-GCM-SHA256` });
    assert.ok('protocol' in gcm && gcm.protocol === 'TLSv1.2', JSON.stringify(gcm));
    for (const cbc of [`ECDHE-${sig}-AES128-SHA`, `ECDHE-${sig}-AES256-SHA384`, 'AES128-SHA256', 'AES256-SHA', 'AES128-GCM-SHA256']) {
      const r = await handshake(broker.port, { maxVersion: 'TLSv1.2', ciphers: cbc });
      assert.ok('error' in r, `${cbc} must be refused, got ${JSON.stringify(r)}`);
    }
    // Whatever a TLS 1.2 client offers, the broker picks an AEAD suite.
    const any12 = await handshake(broker.port, { maxVersion: 'TLSv1.2', ciphers: 'ALL:@SECLEVEL=0' });
    assert.ok('cipher' in any12 && /GCM|CHACHA20/.test(any12.cipher), JSON.stringify(any12));
    const t11 = await handshake(broker.port, { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'ALL:@SECLEVEL=0' });
    assert.ok('error' in t11, JSON.stringify(t11));
  });
});

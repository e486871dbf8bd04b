// The broker's own certificate (CON-11; DESIGN: HTTPS by default, clients pin it): made on first start as ECDSA P-256, kept across
// restarts, and a certificate an earlier version made (RSA-2048) is kept too, so what customers'
// and Jump Clients' pins name still matches. Real brokers on real sockets, real TLS handshakes.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type ConnectionOptions } from 'node:tls';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { startBroker, type Broker } from '../../src/broker/broker.ts';
import { generateSelfSigned } from '../../src/broker/self-signed-certificate.ts';
import { fingerprintOfPem, verifyResult } from '../../src/desktop-core/cert-pin.ts';
import { PinMismatchError, postJson } from '../../src/endpoint/jump/pinned-https.ts';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function start(dataDir: string): Promise<Broker> {
  return startBroker({ dataDir, host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });
}

/** What a handshake agreed on, checking the certificate against `ca` and the host name. */
function handshake(port: number, ca: string, opts: ConnectionOptions = {}): Promise<{ cipher: string; protocol: string | null; fingerprint: string; keyType: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost', ...opts }, () => {
      const peer = socket.getPeerX509Certificate()!;
      resolve({ cipher: socket.getCipher().name, protocol: socket.getProtocol(), fingerprint: peer.fingerprint256, keyType: peer.publicKey.asymmetricKeyType! });
      socket.end();
    });
    socket.on('error', reject);
  });
}

describe('the broker certificate', () => {
  it('CON-11: a new broker makes an ECDSA P-256 certificate for its host names, serves it on TLS 1.3 and on TLS 1.2 ECDHE-ECDSA, and keeps it across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-cert-'));
    dirs.push(dataDir);
    let broker = await start(dataDir);
    let fingerprint: string;
    try {
      assert.equal(broker.certificateGenerated, true);
      const x = new X509Certificate(broker.certificate);
      assert.equal(x.publicKey.asymmetricKeyType, 'ec');
      assert.equal(x.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
      assert.ok(x.verify(x.publicKey), 'self-signed');
      assert.ok(x.checkHost('localhost') && x.checkIP('127.0.0.1') && x.checkIP('::1'), x.subjectAltName);
      assert.equal(broker.fingerprint, x.fingerprint256);
      assert.equal(readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8'), broker.certificate);
      const t13 = await handshake(broker.port, broker.certificate);
      assert.equal(t13.protocol, 'TLSv1.3');
      assert.equal(t13.keyType, 'ec');
      assert.equal(t13.fingerprint, broker.fingerprint);
      // Verified by host name too, as a browser would once the certificate is trusted.
      const byIp = await handshake(broker.port, broker.certificate, { servername: undefined });
      assert.equal(byIp.fingerprint, broker.fingerprint);
      const t12 = await handshake(broker.port, broker.certificate, { maxVersion: 'TLSv1.2' });
      assert.equal(t12.cipher, 'ECDHE-ECDSA-AES128-GCM-SHA256');
      fingerprint = broker.fingerprint;
    } finally {
      await broker.close();
    }
    broker = await start(dataDir);
    try {
      assert.equal(broker.certificateGenerated, false);
      assert.equal(broker.fingerprint, fingerprint);
    } finally {
      await broker.close();
    }
  });

  it('CON-11: a certificate an earlier version made (RSA-2048) is kept; clients pinning it still connect, and a pin of another certificate is refused', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-cert-'));
    dirs.push(dataDir);
    const old = generateSelfSigned({ commonName: 'localhost', altNames: ['localhost', '127.0.0.1', '::1'], days: 3650, keyType: 'rsa-2048' });
    mkdirSync(join(dataDir, 'tls'), { recursive: true });
    writeFileSync(join(dataDir, 'tls', 'cert.pem'), old.cert);
    writeFileSync(join(dataDir, 'tls', 'key.pem'), old.key, { mode: 0o600 });
    const broker = await start(dataDir);
    try {
      assert.equal(broker.certificateGenerated, false);
      assert.equal(broker.certificate, old.cert);
      const pin = new X509Certificate(old.cert).fingerprint256;
      assert.equal(broker.fingerprint, pin);
      const t12 = await handshake(broker.port, old.cert, { maxVersion: 'TLSv1.2' });
      assert.equal(t12.keyType, 'rsa');
      assert.equal(t12.cipher, 'ECDHE-RSA-AES128-GCM-SHA256');
      // A Jump Client's pinned call (the CA is not consulted, only the pin).
      const ok = await postJson(`${broker.url}/api/v1/auth/login`, { username: 'nobody', password: 'x', client: 'desktop' }, pin);
      assert.equal(ok.status, 401);
      const other = generateSelfSigned({ commonName: 'localhost', altNames: ['localhost'], days: 1 });
      await assert.rejects(postJson(`${broker.url}/api/health`, {}, new X509Certificate(other.cert).fingerprint256), PinMismatchError);
      // The desktop console's pin check (Electron's certificate verifier).
      const pins = new Map([['127.0.0.1', fingerprintOfPem(old.cert)]]);
      assert.equal(verifyResult('127.0.0.1', old.cert, pins), 0);
      assert.notEqual(verifyResult('127.0.0.1', other.cert, pins), 0);
    } finally {
      await broker.close();
    }
  });
});

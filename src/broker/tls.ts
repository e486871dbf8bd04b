// HTTPS by default: a self-signed certificate made on first start and kept in the data directory,
// or the administrator's own. Clients pin its SHA-256 fingerprint.
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { join } from 'node:path';

export interface TlsMaterial {
  cert: string;
  key: string;
  fingerprint: string;
  generated: boolean;
}

export function fingerprintOf(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

export async function loadOrCreateCertificate(dataDir: string, given?: { cert: string; key: string }): Promise<TlsMaterial> {
  if (given) {
    const cert = readFileSync(given.cert, 'utf8');
    return { cert, key: readFileSync(given.key, 'utf8'), fingerprint: fingerprintOf(cert), generated: false };
  }
  const certFile = join(dataDir, 'tls', 'cert.pem');
  const keyFile = join(dataDir, 'tls', 'key.pem');
  if (existsSync(certFile) && existsSync(keyFile)) {
    const cert = readFileSync(certFile, 'utf8');
    return { cert, key: readFileSync(keyFile, 'utf8'), fingerprint: fingerprintOf(cert), generated: false };
  }
  // Loaded only on first start: node-forge is large and slows every later start. (require, not
  // import(): the bundled CLI runs from V8's code cache, where a dynamic import has no loader.)
  const selfsigned = createRequire(import.meta.url)('selfsigned') as typeof import('selfsigned');
  const host = hostname();
  const pems = selfsigned.generate([{ name: 'commonName', value: host }], {
    days: 3650,
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: host },
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  mkdirSync(join(dataDir, 'tls'), { recursive: true, mode: 0o700 });
  writeFileSync(certFile, pems.cert);
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  return { cert: pems.cert, key: pems.private, fingerprint: fingerprintOf(pems.cert), generated: true };
}

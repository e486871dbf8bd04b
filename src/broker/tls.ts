// HTTPS by default: a self-signed certificate made on first start and kept in the data directory,
// (ECDSA P-256), or the administrator's own. Clients pin its SHA-256 fingerprint.
import { X509Certificate, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { generateSelfSigned, isCertificateDnsName } from './self-signed-certificate.ts';

export interface TlsMaterial {
  cert: string;
  key: string;
  fingerprint: string;
  generated: boolean;
  /** TLS session ticket keys (48 bytes), kept across restarts so clients resume their sessions. */
  ticketKeys: Buffer;
}

function loadOrCreateTicketKeys(dataDir: string): Buffer {
  const file = join(dataDir, 'tls', 'ticket-keys');
  if (existsSync(file)) {
    const keys = readFileSync(file);
    if (keys.length === 48) return keys;
  }
  const keys = randomBytes(48);
  mkdirSync(join(dataDir, 'tls'), { recursive: true, mode: 0o700 });
  writeFileSync(file, keys, { mode: 0o600 });
  return keys;
}

/**
 * What the broker's HTTPS accepts: TLS 1.3, and on TLS 1.2 only forward-secret AEAD suites (no
 * CBC, so no LUCKY13-style padding oracles; no static RSA key exchange).
 */
export const TLS_SERVER_OPTIONS = {
  minVersion: 'TLSv1.2',
  ciphers: [
    'TLS_AES_128_GCM_SHA256',
    'TLS_AES_256_GCM_SHA384',
    'TLS_CHACHA20_POLY1305_SHA256',
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'ECDHE-RSA-CHACHA20-POLY1305',
  ].join(':'),
  honorCipherOrder: true,
} as const;

export function fingerprintOf(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

export async function loadOrCreateCertificate(dataDir: string, given?: { cert: string; key: string }): Promise<TlsMaterial> {
  const material = await loadOrCreateKeyPair(dataDir, given);
  return { ...material, ticketKeys: loadOrCreateTicketKeys(dataDir) };
}

async function loadOrCreateKeyPair(dataDir: string, given?: { cert: string; key: string }): Promise<Omit<TlsMaterial, 'ticketKeys'>> {
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
  // A new certificate is ECDSA P-256: each TLS handshake the broker serves signs with this key, and
  // P-256 signs about ten times faster than RSA-2048. A certificate already in the data directory
  // (RSA from earlier versions, or any other) is kept as it is: clients pin its fingerprint.
  const host = hostname();
  const pems = generateSelfSigned({
    commonName: isCertificateDnsName(host) ? host : 'localhost',
    altNames: [...new Set([...(isCertificateDnsName(host) ? [host] : []), 'localhost', '127.0.0.1', '::1'])],
    days: 3650,
    keyType: 'ec-p256',
  });
  mkdirSync(join(dataDir, 'tls'), { recursive: true, mode: 0o700 });
  writeFileSync(certFile, pems.cert);
  writeFileSync(keyFile, pems.key, { mode: 0o600 });
  return { cert: pems.cert, key: pems.key, fingerprint: fingerprintOf(pems.cert), generated: true };
}

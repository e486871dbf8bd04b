// Certificate pinning for every Chromium session the console uses (pages, console-core's fetch,
// electron-updater's own partition) and for console-core's WebSocket (Node's TLS).
import { session, type Session } from 'electron';
import { checkServerIdentity as defaultCheck, type PeerCertificate } from 'node:tls';
import { normaliseFingerprint, verifyResult } from '../src/desktop-core/cert-pin.ts';

/** host (lower case) → pinned SHA-256 fingerprint. */
export const pins = new Map<string, string>();

export function pinSession(s: Session): void {
  s.setCertificateVerifyProc((request, callback) => callback(verifyResult(request.hostname, request.certificate.data, pins)));
}

export function pinAllSessions(): void {
  pinSession(session.defaultSession);
  pinSession(session.fromPartition('electron-updater', { cache: false }));
}

/** For Node TLS (the `ws` client): accept the pinned certificate for a pinned host, else the default check. */
export function checkServerIdentity(host: string, cert: PeerCertificate): Error | undefined {
  const pin = pins.get(host.toLowerCase());
  if (pin === undefined) return defaultCheck(host, cert);
  return normaliseFingerprint(cert.fingerprint256) === normaliseFingerprint(pin) ? undefined : new Error(`certificate of ${host} does not match the pinned fingerprint`);
}

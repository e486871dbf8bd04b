// Certificate pinning of the broker (DESIGN: clients pin the self-signed certificate's SHA-256).
import { X509Certificate } from 'node:crypto';

/** Canonical form of a fingerprint: upper-case hex pairs joined by colons. */
export function normaliseFingerprint(fp: string): string | null {
  const hex = fp.replace(/^sha256\//i, '').replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return null;
  return hex.match(/../g)!.join(':');
}

/** SHA-256 fingerprint of a PEM certificate, in canonical form. */
export function fingerprintOfPem(pem: string): string {
  return new X509Certificate(pem).fingerprint256.toUpperCase();
}


/**
 * Whether a server certificate (PEM, as Electron gives it) is the pinned one. No pin means no
 * trust: the desktop console only talks to a broker whose fingerprint it was given.
 */
export function matchesPin(certificatePem: string, pinned: string | null | undefined): boolean {
  if (!pinned) return false;
  const want = normaliseFingerprint(pinned);
  if (!want) return false;
  let got: string;
  try {
    got = fingerprintOfPem(certificatePem);
  } catch {
    return false;
  }
  return got === want;
}

/** For Electron's `setCertificateVerifyProc`: 0 accepts, -2 rejects, -3 leaves it to Chromium. */
export function verifyResult(host: string, certificatePem: string, pins: ReadonlyMap<string, string>): 0 | -2 | -3 {
  const pin = pins.get(host.toLowerCase());
  if (pin === undefined) return -3;
  return matchesPin(certificatePem, pin) ? 0 : -2;
}

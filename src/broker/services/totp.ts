// Time-based one-time passwords (RFC 6238) for the optional second factor (LOG-5), with otpauth.
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';

const PERIOD_S = 30;

function totpFor(secret: string, label = 'user', issuer = 'Passerelle'): OTPAuth.TOTP {
  return new OTPAuth.TOTP({ issuer, label, algorithm: 'SHA1', digits: 6, period: PERIOD_S, secret: OTPAuth.Secret.fromBase32(secret) });
}

export function newTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

export async function totpEnrollment(secret: string, username: string, issuer: string) {
  const otpauthUri = totpFor(secret, username, issuer).toString();
  const qrSvg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { secret, otpauthUri, qrSvg };
}

/**
 * The time step a code belongs to (one step of clock drift either way), or null if it is wrong
 * or was already used: a code counts once, so one seen over a shoulder cannot be replayed.
 */
export function acceptTotp(secret: string, code: string, now: Date, lastStep: number | null): number | null {
  const delta = totpFor(secret).validate({ token: code, timestamp: now.getTime(), window: 1 });
  if (delta === null) return null;
  const step = Math.floor(now.getTime() / 1000 / PERIOD_S) + delta;
  return lastStep !== null && step <= lastStep ? null : step;
}

/** The current code, for tests and the CLI's own checks. */
export function totpCodeAt(secret: string, at: Date): string {
  return totpFor(secret).generate({ timestamp: at.getTime() });
}

// Session keys (POR-3): short digit strings a rep reads aloud; single use, expiring, tied to the
// rep who issued them. Stored only as hashes. Wrong, expired, reused and guessed keys all get the
// same answer, and an address that keeps guessing is refused for a while.
import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import type { SessionKeyView } from '../../protocol/sessions.ts';
import { PasserelleError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './accounts.ts';
import { AttemptLimiter } from './attempt-limiter.ts';
import { sha256 } from './secrets.ts';

export const SESSION_KEY_DIGITS = 9;

/** Digits only; spaces, dashes and dots a customer types between groups are ignored. */
export function normaliseSessionKey(raw: string): string | null {
  const digits = raw.replace(/[\s.-]/g, '');
  return new RegExp(`^\\d{${SESSION_KEY_DIGITS}}$`).test(digits) ? digits : null;
}

export function formatSessionKey(digits: string): string {
  return digits.replace(/(\d{3})(?=\d)/g, '$1 ');
}

export class SessionKeysService {
  readonly limiter: AttemptLimiter;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
    limits: { max: number; windowMs: number } = { max: 10, windowMs: 60_000 },
  ) {
    this.limiter = new AttemptLimiter(clock, limits.max, limits.windowMs);
  }

  async create(userId: number, validMinutes: number): Promise<SessionKeyView> {
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + validMinutes * 60_000).toISOString();
    await this.store.deleteExpiredSessionKeys(new Date(now.getTime() - 24 * 3600_000).toISOString());
    for (let attempt = 0; ; attempt++) {
      let digits = '';
      for (let i = 0; i < SESSION_KEY_DIGITS; i++) digits += String(randomInt(10));
      try {
        await this.store.insertSessionKey({ keyHash: sha256(digits), userId, createdAt: now.toISOString(), expiresAt });
      } catch (err) {
        // A collision with a live key: draw again (rare; 10^9 keys).
        if (attempt < 5 && String(err).includes('UNIQUE')) continue;
        throw err;
      }
      this.log.info({ userId, expiresAt }, 'session key created');
      return { key: formatSessionKey(digits), expiresAt };
    }
  }

  /** Uses a key up for the session `lsid`; returns the rep who issued it. */
  async redeem(raw: string, address: string, lsid: string): Promise<number> {
    if (this.limiter.blocked(address)) {
      this.log.warn({ address }, 'session key attempts rate limited');
      throw new PasserelleError('rate_limited', 'Too many attempts; wait a minute and try again');
    }
    const digits = normaliseSessionKey(raw);
    const result = digits ? await this.store.consumeSessionKey(sha256(digits), this.clock.now().toISOString(), lsid) : ({ ok: false, reason: 'malformed' } as const);
    if (!result.ok) {
      this.limiter.fail(address);
      // The log says why; the customer is told only that the key did not work.
      this.log.info({ address, reason: result.reason }, 'session key refused');
      throw new PasserelleError('invalid_session_key', 'This session key is not valid or has expired: ask your support representative for a new one.');
    }
    return result.userId;
  }
}

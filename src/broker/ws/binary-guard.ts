// What both gateways do with a connection's binary frames before the channel router sees them:
// a flood limit (frames per second, with a burst), and errors answered and logged at a bounded
// rate, so a misbehaving peer can neither starve the broker nor fill its log.
import type { FastifyBaseLogger } from 'fastify';
import { TokenBucket } from '../../protocol/token-bucket.ts';
import { PasserelleError } from '../errors.ts';

/** Frames one connection may send: a burst, refilled per second. Bulk data at 1 MiB a frame is far below. */
export const FRAME_BURST = 20_000;
export const FRAMES_PER_SECOND = 10_000;

/** The flood limit of one connection (BrokerConfig.sessions.framesPerSecond sets it; burst is twice). */
export interface FrameLimit {
  perSecond: number;
  burst: number;
}
export const DEFAULT_FRAME_LIMIT: FrameLimit = { perSecond: FRAMES_PER_SECOND, burst: FRAME_BURST };
/** Error replies and log lines about one connection's frames, per second; the rest are counted. */
const ERRORS_PER_SECOND = 5;

export class BinaryGuard {
  private readonly frames: TokenBucket;
  private errorWindowStart: number;
  private errorsInWindow = 0;
  private suppressed = 0;
  private floodNoticeAt = -Infinity;

  constructor(
    private readonly log: FastifyBaseLogger,
    private readonly reply: (code: string, message: string) => void,
    limit: FrameLimit = DEFAULT_FRAME_LIMIT,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.frames = new TokenBucket(limit.perSecond, limit.burst, now);
    this.errorWindowStart = now();
  }

  /** False when the frame must be dropped (flood); the caller does nothing more with it. */
  admit(): boolean {
    if (!this.frames.take()) {
      const t = this.now();
      // Said once a second whatever else went wrong, so the sender learns why frames vanish.
      if (t - this.floodNoticeAt >= 1000) {
        this.floodNoticeAt = t;
        this.log.info({ code: 'rate_limited' }, 'frame flood: dropping frames');
        this.reply('rate_limited', 'Too many frames; slow down');
      }
      return false;
    }
    return true;
  }

  /** Runs the router on one frame; its errors become typed replies and log lines, rate-limited. */
  run(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.fail(err);
    }
  }

  fail(err: unknown): void {
    const t = this.now();
    if (t - this.errorWindowStart >= 1000) {
      if (this.suppressed > 0) this.log.info({ suppressed: this.suppressed }, 'more frame errors from this connection were not logged');
      this.errorWindowStart = t;
      this.errorsInWindow = 0;
      this.suppressed = 0;
    }
    if (++this.errorsInWindow > ERRORS_PER_SECOND) {
      this.suppressed++;
      return;
    }
    if (err instanceof PasserelleError) {
      this.log.info({ code: err.code, details: err.details }, err.message);
      this.reply(err.code, err.message);
    } else {
      this.log.error({ err }, 'frame handling failed');
      this.reply('internal', 'Internal error');
    }
  }
}

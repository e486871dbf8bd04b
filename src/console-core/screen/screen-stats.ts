// What the viewer shows "on request": pictures drawn per second, bytes received per second and the
// capture → drawn delay, over a sliding window. Pure (the clock is passed in), so it is unit-tested.

export interface ScreenStatsSnapshot {
  /** Pictures drawn per second over the window. */
  fps: number;
  /** Screen channel bytes received per second over the window. */
  bytesPerSecond: number;
  /** Median capture → drawn delay (ms) over the window; null without pictures (clocks may differ). */
  delayMs: number | null;
  /** Totals since the view opened. */
  frames: number;
  bytes: number;
  refused: number;
  keyFramesAsked: number;
}

export class ScreenStatsMeter {
  private readonly drawn: { at: number; delay: number }[] = [];
  private readonly received: { at: number; bytes: number }[] = [];
  frames = 0;
  bytes = 0;
  refused = 0;
  keyFramesAsked = 0;

  constructor(private readonly windowMs = 2000) {}

  private trim(now: number): void {
    const from = now - this.windowMs;
    while (this.drawn.length > 0 && this.drawn[0]!.at < from) this.drawn.shift();
    while (this.received.length > 0 && this.received[0]!.at < from) this.received.shift();
  }

  receivedBytes(bytes: number, now: number): void {
    this.bytes += bytes;
    this.received.push({ at: now, bytes });
    this.trim(now);
  }

  pictureDrawn(captureTime: number, now: number): void {
    this.frames++;
    this.drawn.push({ at: now, delay: Math.max(0, now - captureTime) });
    this.trim(now);
  }

  snapshot(now: number): ScreenStatsSnapshot {
    this.trim(now);
    const seconds = this.windowMs / 1000;
    const delays = this.drawn.map((d) => d.delay).sort((a, b) => a - b);
    return {
      fps: Math.round((this.drawn.length / seconds) * 10) / 10,
      bytesPerSecond: Math.round(this.received.reduce((n, r) => n + r.bytes, 0) / seconds),
      delayMs: delays.length > 0 ? Math.round(delays[Math.floor(delays.length / 2)]!) : null,
      frames: this.frames,
      bytes: this.bytes,
      refused: this.refused,
      keyFramesAsked: this.keyFramesAsked,
    };
  }
}

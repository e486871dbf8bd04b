// The customer side's one connection to the broker (/ws/customer), as the part of the WebSocket API
// the session uses. Browsers hand in their WebSocket; the customer client hands in `ws` wrapped
// with its certificate pin (src/endpoint/customer/pinned-socket.ts). Nothing here needs node.

/** The part of the WebSocket API the customer session uses; a browser's WebSocket fits as is. */
export interface CustomerSocket {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  /** Text messages arrive as strings; binary ones (bulk channel frames) as ArrayBuffer or Uint8Array. */
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  /** A node transport may say why (`code`, `message`), e.g. `certificate_mismatch`; browsers say nothing. */
  onerror: ((ev: unknown) => void) | null;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
}

export type CustomerSocketFactory = (url: string) => CustomerSocket;

/** WebSocket's OPEN readyState (the constant is not on every implementation's instances). */
export const SOCKET_OPEN = 1;

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const defaultTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

/** `https://site[/]` → `wss://site/ws/customer` (and http → ws for tests on plain HTTP). */
export function customerSocketUrl(brokerUrl: string): string {
  return `${brokerUrl.replace(/^http/, 'ws').replace(/\/$/, '')}/ws/customer`;
}

/** A factory over a web-standard WebSocket constructor (the browser's, for the web chat). */
export function webSocketFactory(Ctor: new (url: string) => WebSocket): CustomerSocketFactory {
  return (url) => {
    const ws = new Ctor(url);
    ws.binaryType = 'arraybuffer';
    return ws as unknown as CustomerSocket;
  };
}

// The part of npm `x11` (a pure-JS X protocol client, untyped) the agent uses.
declare module 'x11' {
  export type XCallback<T> = (err: XError | null | undefined, value: T) => void;
  export interface XError extends Error {
    error?: number;
    badParam?: number;
  }
  export interface XScreen {
    root: number;
    pixel_width: number;
    pixel_height: number;
    root_depth: number;
    root_visual: number;
    white_pixel: number;
    black_pixel: number;
    default_colormap: number;
  }
  export interface XDisplay {
    client: XClient;
    screen: XScreen[];
    min_keycode: number;
    max_keycode: number;
    max_request_length?: number;
  }
  export interface XEvent {
    type: number;
    name?: string;
    seq?: number;
    [field: string]: unknown;
  }
  export interface XClient {
    AllocID(): number;
    require(ext: string, cb: XCallback<unknown>): void;
    on(event: 'event', cb: (ev: XEvent) => void): void;
    on(event: 'error', cb: (err: XError) => void): void;
    on(event: 'end' | 'close', cb: () => void): void;
    removeListener(event: string, cb: (...args: never[]) => void): void;
    terminate(): void;
    close(cb?: () => void): void;
    [request: string]: unknown;
  }
  export function createClient(options: { display?: string; disableBigRequests?: boolean; shm?: boolean | 'off' }, cb: (err: Error | undefined, display: XDisplay) => void): XClient;
  export const eventMask: Record<string, number>;
  const x11: { createClient: typeof createClient; eventMask: typeof eventMask };
  export default x11;
}
declare module 'x11/lib/keysyms.js' {
  const table: Record<string, { code: number; description: string | null }>;
  export default table;
}

// In the desktop app console-core runs in Electron's main process, and a live channel's bytes
// reach the renderer through a MessagePort with transferables, never JSON IPC. `exposeOnPort`
// serves a Channel on one end (main); `channelFromPort` gives the renderer an object with the
// same reading/writing shape. Back-pressure crosses the port: main consumes a message (and so
// grants credit to the peer) only when the renderer says it has taken it.
import type { Channel, ChannelMessage } from '../../protocol/channel-endpoint.ts';
import type { ChannelKind, ChannelMeta } from '../../protocol/channels.ts';

/** The part of MessagePort both DOM and Electron/worker_threads ports have. */
export interface PortLike {
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  onmessage: ((ev: { data: unknown }) => void) | null;
  close(): void;
  start?(): void;
}

type ToRenderer =
  | { t: 'open'; id: number; kind: ChannelKind; meta: ChannelMeta }
  | { t: 'msg'; payload: ArrayBuffer; seq: number; timestamp: number; key: boolean }
  | { t: 'written'; ref: number; error?: string }
  | { t: 'keyreq' }
  | { t: 'closed'; reason: string };
type ToMain = { t: 'taken' } | { t: 'write'; ref: number; payload: ArrayBuffer; key: boolean; latest: boolean } | { t: 'keyreq' } | { t: 'close'; reason: string };

/** A buffer of its own (transferable without detaching anyone else's memory). */
function own(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  return bytes.slice().buffer as ArrayBuffer;
}

/** Main side: the renderer reads and writes `ch` through `port`. */
export function exposeOnPort(ch: Channel, port: PortLike): void {
  const post = (m: ToRenderer, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);
  post({ t: 'open', id: ch.id, kind: ch.kind, meta: ch.meta });
  let taken: (() => void) | null = null;
  ch.onMessage(
    (m: ChannelMessage) =>
      new Promise<void>((resolve) => {
        taken = resolve;
        const payload = own(m.payload);
        post({ t: 'msg', payload, seq: m.seq, timestamp: m.timestamp, key: m.key }, [payload]);
      }),
  );
  ch.onKeyFrameRequest(() => post({ t: 'keyreq' }));
  port.onmessage = (ev) => {
    const m = ev.data as ToMain;
    switch (m?.t) {
      case 'taken': {
        const t = taken;
        taken = null;
        t?.();
        return;
      }
      case 'write': {
        const bytes = new Uint8Array(m.payload);
        if (m.latest) {
          ch.writeLatest(bytes, { key: m.key });
          return post({ t: 'written', ref: m.ref });
        }
        ch.write(bytes, { key: m.key }).then(
          () => post({ t: 'written', ref: m.ref }),
          (err: unknown) => post({ t: 'written', ref: m.ref, error: err instanceof Error ? err.message : String(err) }),
        );
        return;
      }
      case 'keyreq':
        return ch.requestKeyFrame();
      case 'close':
        return ch.close(m.reason);
    }
  };
  port.start?.();
  void ch.closed.then((reason) => {
    post({ t: 'closed', reason });
    port.close();
  });
}

/** Renderer side of a channel served by `exposeOnPort`. */
export interface PortChannel extends AsyncIterable<ChannelMessage> {
  readonly id: number;
  readonly kind: ChannelKind;
  readonly meta: ChannelMeta;
  write(payload: Uint8Array, opts?: { key?: boolean }): Promise<void>;
  writeLatest(payload: Uint8Array, opts?: { key?: boolean }): void;
  requestKeyFrame(): void;
  onKeyFrameRequest(cb: () => void): void;
  close(reason?: string): void;
  readonly closed: Promise<string>;
}

export function channelFromPort(port: PortLike): Promise<PortChannel> {
  return new Promise((resolveOpen) => {
    const inbox: ChannelMessage[] = [];
    let waiter: ((r: IteratorResult<ChannelMessage>) => void) | null = null;
    const writes = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
    const keyListeners: (() => void)[] = [];
    let ref = 0;
    let done: string | null = null;
    let resolveClosed!: (r: string) => void;
    const closed = new Promise<string>((r) => (resolveClosed = r));
    const send = (m: ToMain, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);
    const deliver = (m: ChannelMessage) => {
      // Taken by the reader: main may consume it and grant the peer more.
      send({ t: 'taken' });
      return m;
    };
    let self: PortChannel | null = null;
    port.onmessage = (ev) => {
      const m = ev.data as ToRenderer;
      switch (m?.t) {
        case 'open':
          self = {
            id: m.id,
            kind: m.kind,
            meta: m.meta,
            write: (payload, opts = {}) =>
              new Promise<void>((resolve, reject) => {
                if (done !== null) return reject(new Error(`channel closed: ${done}`));
                const buf = own(payload);
                writes.set(++ref, { resolve, reject });
                send({ t: 'write', ref, payload: buf, key: opts.key ?? false, latest: false }, [buf]);
              }),
            writeLatest: (payload, opts = {}) => {
              const buf = own(payload);
              send({ t: 'write', ref: ++ref, payload: buf, key: opts.key ?? false, latest: true }, [buf]);
            },
            requestKeyFrame: () => send({ t: 'keyreq' }),
            onKeyFrameRequest: (cb) => void keyListeners.push(cb),
            close: (reason = 'closed_by_peer') => send({ t: 'close', reason }),
            closed,
            [Symbol.asyncIterator]: () => ({
              next: () => {
                const x = inbox.shift();
                if (x) return Promise.resolve({ value: deliver(x), done: false });
                if (done !== null) return Promise.resolve({ value: undefined, done: true });
                return new Promise((r) => (waiter = r));
              },
              return: () => Promise.resolve({ value: undefined, done: true }),
            }),
          };
          resolveOpen(self);
          return;
        case 'msg': {
          const msg: ChannelMessage = { payload: new Uint8Array(m.payload), seq: m.seq, timestamp: m.timestamp, key: m.key };
          if (waiter) {
            const w = waiter;
            waiter = null;
            w({ value: deliver(msg), done: false });
          } else inbox.push(msg);
          return;
        }
        case 'written': {
          const w = writes.get(m.ref);
          writes.delete(m.ref);
          if (m.error) w?.reject(new Error(m.error));
          else w?.resolve();
          return;
        }
        case 'keyreq':
          for (const l of keyListeners) l();
          return;
        case 'closed':
          done = m.reason;
          for (const w of writes.values()) w.reject(new Error(`channel closed: ${m.reason}`));
          writes.clear();
          if (waiter && inbox.length === 0) {
            const w = waiter;
            waiter = null;
            w({ value: undefined, done: true });
          }
          resolveClosed(m.reason);
          return;
      }
    };
    port.start?.();
  });
}

// Parties of presentation tests and the bench: a presenter (console-core's PresenterClient over a
// real socket with a desktop bearer token) and attendees (customer-core's AttendeeClient), both
// against a real broker, plus a stand-in "encoder" that writes numbered frames.
import WebSocket from 'ws';
import { PresenterClient } from '../../src/console-core/presentations/presenter-client.ts';
import type { WebSocketLike } from '../../src/console-core/rep-connection.ts';
import { AttendeeClient } from '../../src/customer-core/attendee-client.ts';
import type { CustomerSocket } from '../../src/customer-core/socket.ts';
import { ApiClient } from './broker.ts';

export interface BrokerLike {
  url: string;
  certificate: string;
}

const wsOptions = (broker: BrokerLike) => ({ ca: broker.certificate, perMessageDeflate: false, generateMask: (m: Buffer) => m.fill(0) });

export async function presenterToken(broker: BrokerLike, username: string, password: string): Promise<string> {
  const desktop = new ApiClient(broker as never);
  const res = await desktop.login(username, password, 'desktop');
  if (res.status !== 200) throw new Error(`desktop login failed: ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

export function presenter(broker: BrokerLike, token: string): PresenterClient {
  return new PresenterClient({
    url: `${broker.url.replace('https', 'wss')}/ws/presenter`,
    protocols: () => ['passerelle.v1', `bearer.${token}`],
    createWebSocket: (url, protocols) => new WebSocket(url, protocols, wsOptions(broker)) as unknown as WebSocketLike,
    reconnectBaseMs: 20,
  });
}

export function attendee(broker: BrokerLike): AttendeeClient {
  return new AttendeeClient(`${broker.url.replace('https', 'wss')}/ws/attendee`, (url) => new WebSocket(url, wsOptions(broker)) as unknown as CustomerSocket);
}

/** A frame payload: 4-byte number then filler; `key` frames are marked by the channel flag. */
export function numberedFrame(n: number, bytes = 1024): Uint8Array {
  const b = new Uint8Array(bytes);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

export const frameNumber = (payload: Uint8Array): number => new DataView(payload.buffer, payload.byteOffset, 4).getUint32(0);

/**
 * Plays frames on the presenter's channel as an encoder would: one when the channel is writable,
 * a key frame whenever one is asked for (and every `gop` frames). Returns the way to stop.
 */
export function playFrames(p: PresenterClient, opts: { gop?: number; bytes?: number; intervalMs?: number } = {}): { stop(): void; sent: () => number } {
  let n = 0;
  let wantKey = true;
  let stopped = false;
  const hooked = new WeakSet<object>();
  const loop = async () => {
    while (!stopped) {
      const ch = p.channel;
      if (!ch || ch.isClosed) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      if (!hooked.has(ch)) {
        hooked.add(ch);
        ch.onKeyFrameRequest(() => (wantKey = true));
        wantKey = true;
      }
      await ch.whenWritable();
      if (stopped || ch.isClosed) continue;
      if (!ch.writable) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      const key = wantKey || (opts.gop !== undefined && n % opts.gop === 0);
      wantKey = false;
      ch.writeLatest(numberedFrame(++n, opts.bytes), { key });
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 10));
    }
  };
  void loop();
  return {
    stop: () => (stopped = true),
    sent: () => n,
  };
}

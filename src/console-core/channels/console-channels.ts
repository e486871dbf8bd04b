// The rep's live channels in console-core: open one for a session (screen, input, files, shell …),
// get a Channel (src/protocol/channel-endpoint.ts) to write to and read from, and keep it through
// a reconnect of the console connection (its end is re-attached with the token the broker gave,
// then bytes resume where they stopped). Features build on `open`; nothing here knows what they send.
import { Channel } from '../../protocol/channel-endpoint.ts';
import { ChannelMux } from '../../protocol/channel-mux.ts';
import { ChannelCloseReason, type SessionChannelKind, type ChannelMeta, type RepClientMessage, type RepServerMessage } from '../../protocol/index.ts';
import { ApiError } from '../api-error.ts';
import type { RepConnection } from '../rep-connection.ts';

type Call = Extract<RepClientMessage, { ref: string }>;
type CallBody = Call extends infer M ? (M extends Call ? Omit<M, 'ref'> : never) : never;
type Caller = (body: CallBody) => Promise<Extract<RepServerMessage, { type: 'reply' | 'session.events' | 'queue.snapshot' }>>;

export class ConsoleChannels {
  private readonly mux: ChannelMux;
  private readonly owners = new Map<number, { lsid: string; token: string }>();
  private everOpen = false;

  constructor(
    private readonly rep: RepConnection,
    private readonly call: Caller,
    onError?: (code: string, message: string) => void,
  ) {
    this.mux = new ChannelMux(onError);
    const sink = { send: (f: Uint8Array) => rep.sendBinary(f) };
    rep.onBinary.on((f) => this.mux.handle(f));
    rep.onState.on((state) => {
      if (state === 'CONNECTING' || state === 'CLOSED') this.mux.detach();
    });
    rep.onHello.on(() => {
      if (!this.everOpen) {
        this.everOpen = true;
        this.mux.attach(sink, { resync: false });
        return;
      }
      void this.reattach(sink);
    });
  }

  /** Opens a channel of `kind` in a session the rep is in; refused unless the customer granted it. */
  async open(lsid: string, kind: SessionChannelKind, meta: ChannelMeta = {}): Promise<Channel> {
    const r = await this.call({ type: 'session.open_channel', lsid, kind, meta });
    if (r.type !== 'reply' || r.channelId === undefined || !r.token) throw new ApiError(0, 'bad_reply', 'The site did not open the channel');
    const existing = this.mux.get(r.channelId);
    if (existing) return existing;
    const ch = new Channel({ id: r.channelId, kind, meta });
    this.owners.set(ch.id, { lsid, token: r.token });
    void ch.closed.then(() => this.owners.delete(ch.id));
    // Opened on the current socket: attached without a resync (nothing was sent yet).
    this.mux.add(ch);
    return ch;
  }

  /** The channels open now (for a session's workspace after a reload of its view). */
  list(lsid?: string): Channel[] {
    return this.mux.all().filter((ch) => lsid === undefined || this.owners.get(ch.id)?.lsid === lsid);
  }

  private async reattach(sink: { send(f: Uint8Array): void }): Promise<void> {
    const existing = this.mux.all();
    this.mux.setSink(sink);
    for (const ch of existing) {
      const owner = this.owners.get(ch.id);
      if (!owner) continue;
      try {
        await this.call({ type: 'session.attach_channel', lsid: owner.lsid, channelId: ch.id, token: owner.token });
        ch.attach(sink, { resync: true });
      } catch {
        // The session ended or the channel closed while we were away.
        ch.finish(ChannelCloseReason.detached);
      }
    }
  }
}

// Bulk channels (screen tiles, file chunks, shell bytes): opened by a rep for a permission the
// customer granted, closed when it is revoked or the rep leaves. The broker relays the customer's
// DATA frames to that rep and the rep's CREDIT frames back, and refuses a sender that overruns its
// credit, so a slow console slows the customer down instead of growing queues here.
import { CHANNEL_WINDOW_BYTES, type SessionPermission } from '../../protocol/sessions.ts';
import { decodeFrame, FrameError, SendCredit, type Frame } from '../../protocol/frames.ts';
import { PasserelleError } from '../errors.ts';
import type { LiveSession } from './live-session.ts';

export interface Channel {
  id: number;
  session: LiveSession;
  permission: SessionPermission;
  userId: number;
  credit: SendCredit;
}

function parse(bytes: Uint8Array): Frame {
  try {
    return decodeFrame(bytes);
  } catch (err) {
    if (err instanceof FrameError) throw new PasserelleError('bad_request', `Malformed frame: ${err.message}`, { frame: err.code });
    throw err;
  }
}

export class BulkChannels {
  private readonly channels = new Map<number, Channel>();
  private nextId = 1;

  open(session: LiveSession, userId: number, permission: SessionPermission): Channel {
    const ch: Channel = { id: this.nextId++, session, permission, userId, credit: new SendCredit(CHANNEL_WINDOW_BYTES) };
    this.channels.set(ch.id, ch);
    session.channels.add(ch.id);
    session.channelOwners.set(ch.id, { userId, permission });
    session.customer?.send({ type: 'channel.opened', channelId: ch.id, permission, window: CHANNEL_WINDOW_BYTES });
    return ch;
  }

  /** Closes the session's channels that match, telling the customer to stop sending on them. */
  close(session: LiveSession, match: (ch: Channel) => boolean, reason: string): void {
    for (const id of [...session.channels]) {
      const ch = this.channels.get(id);
      if (!ch || !match(ch)) continue;
      this.channels.delete(id);
      session.channels.delete(id);
      session.customer?.send({ type: 'channel.closed', channelId: id, reason });
    }
  }

  /** A DATA frame from the customer: to the rep who opened the channel, within its credit. */
  fromCustomer(session: LiveSession, bytes: Uint8Array, deliver: (userId: number, frame: Uint8Array) => void): void {
    const f = parse(bytes);
    const ch = this.channels.get(f.channelId);
    if (!ch || ch.session !== session) throw new PasserelleError('permission_not_granted', `No open channel ${f.channelId}`);
    if (f.type !== 'data') throw new PasserelleError('bad_request', 'The customer sends DATA frames only');
    if (!ch.credit.take(f.payload.length)) throw new PasserelleError('rate_limited', `Channel ${f.channelId}: credit exceeded; wait for a CREDIT frame`);
    deliver(ch.userId, bytes);
  }

  /** A CREDIT frame from the rep's console: more room for the customer on that channel. */
  fromRep(userId: number, bytes: Uint8Array): { session: LiveSession; frame: Uint8Array } {
    const f = parse(bytes);
    const ch = this.channels.get(f.channelId);
    if (!ch || ch.userId !== userId) throw new PasserelleError('permission_not_granted', `No open channel ${f.channelId} of yours`);
    if (f.type !== 'credit') throw new PasserelleError('bad_request', 'The console sends CREDIT frames only on this channel');
    ch.credit.grant(f.value);
    return { session: ch.session, frame: bytes };
  }
}

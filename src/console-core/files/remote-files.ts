// The rep's view of the customer's files: list, create a folder, rename, delete, over one
// browse channel (opened on first use, reopened if it closed), each request answered by `ref`.
import { BrowseReply, type BrowseRequest, type FileChannelMeta, type FileEntry, type FileErrorCode, type FileSort } from '../../protocol/files.ts';
import { ToolReader, encodeControl, type ToolChannel } from '../../protocol/tool-channel.ts';

export type OpenFileChannel = (meta: FileChannelMeta) => Promise<ToolChannel>;

export class RemoteFileError extends Error {
  constructor(readonly code: FileErrorCode | 'channel_closed', message: string) {
    super(message);
    this.name = 'RemoteFileError';
  }
}

export interface Listing {
  path: string;
  /** The customer's file root as the customer's machine names it (e.g. /home/alice). */
  root: string;
  entries: FileEntry[];
  truncated: boolean;
}

type Pending = { resolve: (r: BrowseReply) => void; reject: (e: Error) => void };

export class RemoteFiles {
  private channel: Promise<ToolChannel> | null = null;
  private ref = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly open: OpenFileChannel) {}

  private async browseChannel(): Promise<ToolChannel> {
    if (!this.channel) {
      const opening = this.open({ op: 'browse' });
      this.channel = opening;
      opening.then(
        (ch) => void this.readReplies(ch),
        () => (this.channel = null),
      );
    }
    return this.channel;
  }

  private async readReplies(ch: ToolChannel): Promise<void> {
    const reader = new ToolReader(ch, BrowseReply);
    for (;;) {
      const m = await reader.next().catch(() => undefined);
      if (m === undefined) continue; // a malformed reply: its request times out below or gets the next
      if (m === null) break;
      if (m.kind !== 'control') continue;
      const p = this.pending.get(m.msg.ref);
      if (!p) continue;
      this.pending.delete(m.msg.ref);
      p.resolve(m.msg);
    }
    const reason = await ch.closed;
    this.channel = null;
    for (const p of this.pending.values()) p.reject(new RemoteFileError('channel_closed', `The file channel closed (${reason})`));
    this.pending.clear();
  }

  private async request(req: BrowseRequest): Promise<BrowseReply> {
    const ch = await this.browseChannel();
    const done = new Promise<BrowseReply>((resolve, reject) => this.pending.set(req.ref, { resolve, reject }));
    await ch.write(encodeControl(req));
    const r = await done;
    if (r.type === 'error') throw new RemoteFileError(r.code, r.message);
    return r;
  }

  async list(path: string, o: { hidden?: boolean; sort?: FileSort; desc?: boolean } = {}): Promise<Listing> {
    const r = await this.request({ type: 'list', ref: ++this.ref, path, hidden: o.hidden ?? false, sort: o.sort ?? 'name', desc: o.desc ?? false });
    if (r.type !== 'listing') throw new RemoteFileError('bad_message', 'Unexpected reply to a listing');
    return { path: r.path, root: r.root, entries: r.entries, truncated: r.truncated };
  }

  async mkdir(path: string): Promise<void> {
    await this.request({ type: 'mkdir', ref: ++this.ref, path });
  }

  async rename(from: string, to: string): Promise<void> {
    await this.request({ type: 'rename', ref: ++this.ref, from, to });
  }

  async delete(path: string, recursive = false): Promise<void> {
    await this.request({ type: 'delete', ref: ++this.ref, path, recursive });
  }

  close(): void {
    void this.channel?.then((ch) => ch.close('closed_by_rep'), () => {});
    this.channel = null;
  }
}

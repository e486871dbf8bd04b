// The customer's clipboard on X11 (CON-4): text the rep sends is offered as the CLIPBOARD and
// PRIMARY selections (so Ctrl+V, Shift+Insert and the middle button all paste it), and text the
// customer copies elsewhere is read when XFixes says the CLIPBOARD owner changed. Transfers bigger
// than the limit are refused: stopped as soon as they pass it, whether whole or in INCR chunks.
import { XConnection, type XLogger } from './x11-connection.ts';
import type { XEvent } from 'x11';

interface XFixes {
  firstEvent: number;
  SelectionEventMask: { SetSelectionOwner: number };
  SelectSelectionInput(window: number, selection: number, mask: number): void;
}

interface Property {
  type: number;
  format: number;
  bytesAfter: number;
  data: Buffer;
}

export type CopiedText = { ok: true; text: string } | { ok: false; code: 'clipboard_too_large'; bytes: number };

const PROPERTY_NOTIFY = 28;
const SELECTION_CLEAR = 29;
const SELECTION_REQUEST = 30;
const SELECTION_NOTIFY = 31;
const PROPERTY_CHANGE_MASK = 0x400000;
const ATOM = 4;
const STRING = 31;

export class X11Clipboard {
  private text: Buffer | null = null;
  private readonly copiedHandlers = new Set<(t: CopiedText) => void>();
  private readonly offDetach: () => void;
  /** Conversions in progress, by the property we asked for (one at a time is plenty). */
  private pendingRead: ((e: XEvent) => void) | null = null;

  private constructor(
    private readonly x: XConnection,
    private readonly window: number,
    private readonly atoms: Record<'CLIPBOARD' | 'PRIMARY' | 'UTF8_STRING' | 'TARGETS' | 'TEXT' | 'INCR' | 'PROP', number>,
    private readonly fixesEvent: number,
    private readonly maxBytes: number,
    private readonly log: XLogger,
  ) {
    this.offDetach = x.onEvent((e) => this.onEvent(e));
  }

  static async open(display: string, log: XLogger, maxBytes: number): Promise<X11Clipboard> {
    const x = await XConnection.open(display, log);
    try {
      const window = x.client.AllocID();
      x.send('CreateWindow', window, x.root, -10, -10, 1, 1, 0, 0, 1, 0, { eventMask: PROPERTY_CHANGE_MASK, overrideRedirect: 1 });
      const names = ['CLIPBOARD', 'PRIMARY', 'UTF8_STRING', 'TARGETS', 'TEXT', 'INCR', 'PASSERELLE_CLIPBOARD'] as const;
      const values = await Promise.all(names.map((n) => x.internAtom(n)));
      const atoms = {
        CLIPBOARD: values[0]!,
        PRIMARY: values[1]!,
        UTF8_STRING: values[2]!,
        TARGETS: values[3]!,
        TEXT: values[4]!,
        INCR: values[5]!,
        PROP: values[6]!,
      };
      const fixes = await x.ext<XFixes>('fixes');
      fixes.SelectSelectionInput(window, atoms.CLIPBOARD, fixes.SelectionEventMask.SetSelectionOwner);
      await x.sync();
      return new X11Clipboard(x, window, atoms, fixes.firstEvent, maxBytes, log);
    } catch (err) {
      x.close();
      throw err;
    }
  }

  /** Called with what the customer copied in another program. */
  onCopied(h: (t: CopiedText) => void): () => void {
    this.copiedHandlers.add(h);
    return () => this.copiedHandlers.delete(h);
  }

  /** Puts text on the customer's CLIPBOARD and PRIMARY selections; resolves once X made us the owner. */
  async set(text: string): Promise<void> {
    this.text = Buffer.from(text, 'utf8');
    this.x.send('SetSelectionOwner', this.window, this.atoms.CLIPBOARD, 0);
    this.x.send('SetSelectionOwner', this.window, this.atoms.PRIMARY, 0);
    await this.x.sync();
  }

  private onEvent(e: XEvent): void {
    if (e.type === SELECTION_REQUEST) this.answer(e);
    else if (e.type === SELECTION_CLEAR && e.selection === this.atoms.CLIPBOARD) this.text = null;
    else if (e.type === this.fixesEvent && e.selection === this.atoms.CLIPBOARD && e.owner !== this.window && e.owner !== 0) void this.readCopied();
    else if ((e.type === SELECTION_NOTIFY || e.type === PROPERTY_NOTIFY) && this.pendingRead) this.pendingRead(e);
  }

  /** Answers another program's paste (a SelectionRequest) with our text, or refuses it. */
  private answer(e: XEvent): void {
    const requestor = e.requestor as number;
    const target = e.target as number;
    let property = (e.property as number) || target;
    const ours = this.text && (e.selection === this.atoms.CLIPBOARD || e.selection === this.atoms.PRIMARY);
    if (!ours) property = 0;
    else if (target === this.atoms.TARGETS) {
      this.x.send('ChangeProperty', 0, requestor, property, ATOM, 32, [this.atoms.TARGETS, this.atoms.UTF8_STRING, this.atoms.TEXT, STRING]);
    } else if (target === this.atoms.UTF8_STRING || target === this.atoms.TEXT) {
      this.x.send('ChangeProperty', 0, requestor, property, this.atoms.UTF8_STRING, 8, this.text!);
    } else if (target === STRING) {
      this.x.send('ChangeProperty', 0, requestor, property, STRING, 8, Buffer.from(this.text!.toString('utf8'), 'latin1'));
    } else {
      property = 0;
    }
    this.x.send('SendEvent', requestor, false, 0, {
      name: 'SelectionNotify',
      time: e.time,
      requestor,
      selection: e.selection,
      target,
      property,
    });
  }

  private emitCopied(t: CopiedText): void {
    for (const h of this.copiedHandlers) h(t);
  }

  /** Reads the CLIPBOARD another program now owns, as UTF-8, refusing more than maxBytes. */
  private async readCopied(): Promise<void> {
    if (this.pendingRead) return;
    try {
      const result = await this.convert();
      if (result) this.emitCopied(result);
    } catch (err) {
      this.log.warn({ err: String(err) }, 'clipboard: reading the copied text failed');
    } finally {
      this.pendingRead = null;
    }
  }

  private waitEvent(match: (e: XEvent) => boolean, timeoutMs = 5000): Promise<XEvent | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pendingRead = null;
        resolve(null);
      }, timeoutMs);
      this.pendingRead = (e) => {
        if (!match(e)) return;
        clearTimeout(timer);
        resolve(e);
      };
    });
  }

  private async convert(): Promise<CopiedText | null> {
    const { PROP, CLIPBOARD, UTF8_STRING, INCR } = this.atoms;
    const notified = this.waitEvent((e) => e.type === SELECTION_NOTIFY && e.selection === CLIPBOARD);
    this.x.send('ConvertSelection', this.window, CLIPBOARD, UTF8_STRING, PROP, 0);
    const n = await notified;
    if (!n || n.property === 0) return null;
    const head = await this.x.call<Property>('GetProperty', 0, this.window, PROP, 0, 0, Math.ceil(this.maxBytes / 4) + 1);
    if (head.type === INCR) {
      const announced = head.data.length >= 4 ? head.data.readUInt32LE(0) : 0;
      if (announced > this.maxBytes) {
        this.x.send('DeleteProperty', this.window, PROP);
        return { ok: false, code: 'clipboard_too_large', bytes: announced };
      }
      return this.readIncremental();
    }
    this.x.send('DeleteProperty', this.window, PROP);
    const total = head.data.length + head.bytesAfter;
    if (total > this.maxBytes) return { ok: false, code: 'clipboard_too_large', bytes: total };
    return { ok: true, text: head.data.toString(head.type === STRING ? 'latin1' : 'utf8') };
  }

  /** INCR: the owner writes chunks into our property, each after we delete the previous one. */
  private async readIncremental(): Promise<CopiedText | null> {
    const { PROP } = this.atoms;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const next = this.waitEvent((e) => e.type === PROPERTY_NOTIFY && e.atom === PROP && e.state === 0);
      this.x.send('DeleteProperty', this.window, PROP);
      if (!(await next)) return null;
      const p = await this.x.call<Property>('GetProperty', 0, this.window, PROP, 0, 0, Math.ceil(this.maxBytes / 4) + 1);
      if (p.data.length === 0) break;
      total += p.data.length;
      if (total > this.maxBytes) {
        this.x.send('DeleteProperty', this.window, PROP);
        return { ok: false, code: 'clipboard_too_large', bytes: total };
      }
      chunks.push(Buffer.from(p.data));
    }
    this.x.send('DeleteProperty', this.window, PROP);
    return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
  }

  close(): void {
    this.offDetach();
    this.x.close();
  }
}

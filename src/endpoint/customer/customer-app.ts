// The customer client's state shared by its two faces (the loopback chat page and the terminal):
// the conversation, the consent prompts waiting for an answer, what was granted. A prompt is
// answered once, from whichever face answers first.
import { EventEmitter } from 'node:events';
import { homedir } from 'node:os';
import { SiteLook } from '../../protocol/portal-look.ts';
import { SessionPermission, type ElevationError, type SessionEvent } from '../../protocol/sessions.ts';
import { customerBundles } from './customer-strings.ts';
import type { CustomerSession } from './customer-session.ts';
import { serveChannel } from '../tools/index.ts';
import { isElevatedKind, type Elevator } from '../elevation/elevator.ts';

/** Each permission in both languages (the Jump Client's prompt shows both). */
export const permissionLabels = Object.fromEntries(
  SessionPermission.options.map((p) => [p, { en: customerBundles.en.permission[p], fr: customerBundles.fr.permission[p] }]),
) as Record<SessionPermission, { en: string; fr: string }>;

export interface Prompt {
  requestId: string;
  permission: SessionPermission;
  repName: string;
}

export type AppUpdate =
  | { kind: 'event'; event: SessionEvent }
  | { kind: 'status'; status: string; detail?: string }
  | { kind: 'typing'; name: string; typing: boolean }
  | { kind: 'prompt'; prompt: Prompt }
  | { kind: 'prompt_closed'; requestId: string }
  | { kind: 'error'; code: string; message: string }
  /** POR-6: the session's chat banner is ready to show (the chat page serves its bytes). */
  | { kind: 'banner'; version: number }
  /** POR-8: the site's colours, name and (when it has one) logo, as the portal shows them. */
  | { kind: 'look'; colours: SiteLook['colours']; title: SiteLook['title']; logo: { width: number; height: number } | null }
  /** REP-5: the site records this session (told once, kept on screen). */
  | { kind: 'recorded' }
  /** What the reps are doing with this computer right now (never kept in the history: the latest counts). */
  | { kind: 'live'; live: LiveState }
  /**
   * CON-8: elevation after the customer granted it: 'ask' wants the customer's password (typed
   * into this client's page or terminal), then 'elevating', 'elevated' or 'failed' (asked again).
   */
  | { kind: 'elevation'; state: ElevationState; error?: ElevationError; message?: string };

export type ElevationState = 'none' | 'ask' | 'elevating' | 'elevated' | 'failed';
/** A wrong password may be typed this many times before elevation is given up. */
export const ELEVATION_TRIES = 3;

/**
 * What the customer must see at all times: whether a rep is looking at the screen, controlling it
 * or drawing on it, and whether control is granted (then "take control back" is offered).
 */
export interface LiveState {
  viewed: boolean;
  controlled: boolean;
  annotated: boolean;
  controlGranted: boolean;
  /** The reps in the session now (who may be looking). */
  reps: string[];
}

export class CustomerApp extends EventEmitter<{ update: [AppUpdate] }> {
  readonly history: AppUpdate[] = [];
  readonly prompts = new Map<string, Prompt>();
  readonly grants = new Set<SessionPermission>();
  status = 'connecting';
  /** The chat banner of this session (a BMP), once fetched from the site. */
  banner: Uint8Array | null = null;
  private bannerPath: string | null = null;
  /** POR-8: the site logo (a PNG), once fetched. */
  logo: Uint8Array | null = null;
  private lookAsked = false;
  /** REP-5: the broker records this session. */
  recorded = false;
  /** Open live channels by kind (screen = viewed, input = controlled, annotation = drawn on). */
  private readonly open = new Map<string, number>();
  private readonly reps = new Map<number, string>();
  /** CON-8: where elevation stands, and how many passwords were refused. */
  elevation: ElevationState = 'none';
  private elevationTries = 0;
  /** CON-8: elevation waits for the customer's password (first asked, or asked again after a wrong one). */
  get awaitingPassword(): boolean {
    return this.elevation === 'ask' || this.elevation === 'failed';
  }

  constructor(
    readonly session: CustomerSession,
    private readonly autoApprove: boolean,
    /** The folder the rep's file browser and shells start in (the customer's home). */
    private readonly filesRoot: string = homedir(),
    /** CON-8: how this client elevates (null where it cannot: it then does not offer elevation). */
    private readonly elevator: Elevator | null = null,
  ) {
    super();
    session.on('welcome', (w) => {
      if (w.chatBanner && w.chatBanner !== this.bannerPath) {
        const path = w.chatBanner;
        this.bannerPath = path;
        session.fetchSiteFile(path).then(
          (bytes) => {
            this.banner = bytes;
            this.update({ kind: 'banner', version: this.history.length });
          },
          // No banner is no reason to stop the session: the chat works without it.
          () => undefined,
        );
      }
      if (!this.lookAsked) {
        this.lookAsked = true;
        void this.loadLook();
      }
      this.update({ kind: 'status', status: w.resumed ? 'resumed' : 'joined', detail: String(w.sequenceNumber) });
      if (w.recorded && !this.recorded) {
        this.recorded = true;
        this.update({ kind: 'recorded' });
      }
      if (this.autoApprove && !w.autoApproveAllowed && !w.resumed) {
        this.update({ kind: 'error', code: 'auto_approve_refused', message: customerBundles.en.errors.auto_approve_refused! });
      }
    });
    session.on('event', (event) => this.onEvent(event));
    // Each live channel a rep opens is served by the tool for its kind (src/endpoint/tools).
    session.onChannel((ch) => {
      this.open.set(ch.kind, (this.open.get(ch.kind) ?? 0) + 1);
      this.liveChanged();
      void ch.closed.then(() => {
        this.open.set(ch.kind, (this.open.get(ch.kind) ?? 1) - 1);
        this.liveChanged();
      });
      const ctx = {
        filesRoot: this.filesRoot,
        // What the rep does with the tool goes to the session log, credited by the broker to the
        // rep who opened this channel.
        report: (event: Parameters<typeof session.toolEvent>[1]) => session.toolEvent(ch.id, event),
        // The customer may take a permission back at any moment: tools stop using it at once.
        granted: (permission: SessionPermission) => this.grants.has(permission),
        warn: (message: string) => this.update({ kind: 'error', code: 'tool', message }),
      };
      // CON-8: once elevated, shells and file channels are served by the elevated helper (root).
      const elevator = this.elevator;
      if (elevator?.elevated && isElevatedKind(ch.kind)) {
        elevator.serve(ch, ctx, ch.kind === 'shell' ? 'shell' : 'file_transfer').catch((err: unknown) => {
          ctx.warn(`The elevated ${ch.kind} tool stopped: ${err instanceof Error ? err.message : String(err)}`);
          ch.abort('tool_error');
        });
        return;
      }
      serveChannel(ch, ctx);
    });
    session.on('typing', (t) => this.emit('update', { kind: 'typing', ...t }));
    session.on('reconnecting', ({ attempt }) => this.update({ kind: 'status', status: 'reconnecting', detail: String(attempt) }));
    session.on('error', (e) => this.update({ kind: 'error', ...e }));
    session.on('ended', ({ reason }) => {
      void this.elevator?.stop();
      this.update({ kind: 'status', status: 'ended', detail: reason });
    });
  }

  private setElevation(state: ElevationState, error?: ElevationError, message?: string): void {
    this.elevation = state;
    this.update({ kind: 'elevation', state, ...(error ? { error } : {}), ...(message ? { message } : {}) });
  }

  /**
   * CON-8: the customer typed their password after granting elevation. It goes to sudo only (not
   * kept, not logged, not sent); the broker is told the outcome. A wrong password asks again, up
   * to ELEVATION_TRIES times, then elevation is given up (and revoked).
   */
  async elevate(password: string): Promise<{ ok: boolean; error?: ElevationError; message?: string }> {
    if (!this.elevator || !this.awaitingPassword) return { ok: false, error: 'failed', message: 'No elevation is waiting for a password' };
    this.setElevation('elevating');
    const r = await this.elevator.elevate(password);
    if (!this.grants.has('elevation')) {
      // Taken back (or the session ended) while sudo was checking.
      await this.elevator.stop();
      return { ok: false, error: 'failed', message: 'Elevation was taken back' };
    }
    if (r.ok) {
      this.session.elevation('elevated', r.method);
      this.setElevation('elevated');
      return { ok: true };
    }
    this.session.elevation('failed', 'sudo', r.error);
    const retry = r.error === 'wrong_password' && ++this.elevationTries < ELEVATION_TRIES;
    this.setElevation(retry ? 'failed' : 'none', r.error, r.message);
    if (!retry) this.revoke('elevation');
    return { ok: false, error: r.error, message: r.message };
  }

  /** CON-8: the customer closes the password prompt instead: elevation is cancelled and taken back. */
  cancelElevation(): void {
    if (!this.awaitingPassword) return;
    this.session.elevation('cancelled');
    this.setElevation('none');
    this.revoke('elevation');
  }

  /**
   * POR-8: the site look, read once per run with the session's certificate pin and checked with
   * the protocol's schema; the logo follows. Any failure leaves the built-in look: the chat works.
   */
  private async loadLook(): Promise<void> {
    try {
      const raw = new TextDecoder().decode(await this.session.fetchSiteFile('/api/v1/portal/look', 64 * 1024));
      const look = SiteLook.parse(JSON.parse(raw));
      let logo: { width: number; height: number } | null = null;
      if (look.logo) {
        try {
          this.logo = await this.session.fetchSiteFile(look.logo.url);
          logo = { width: look.logo.width, height: look.logo.height };
        } catch {
          // The colours and name still apply without the logo.
        }
      }
      this.update({ kind: 'look', colours: look.colours, title: look.title, logo });
    } catch {
      // An old broker or a broken answer: the page keeps its built-in look.
    }
  }

  private update(u: AppUpdate): void {
    if (u.kind === 'status') this.status = u.status;
    this.history.push(u);
    this.emit('update', u);
  }

  get live(): LiveState {
    const n = (k: string) => (this.open.get(k) ?? 0) > 0;
    return { viewed: n('screen'), controlled: n('input'), annotated: n('annotation'), controlGranted: this.grants.has('screen_control'), reps: [...this.reps.values()] };
  }

  private liveChanged(): void {
    this.emit('update', { kind: 'live', live: this.live });
  }

  /**
   * The customer takes control back (a button on the chat page, a key on the terminal): from now
   * on the tools inject nothing, and the broker is told, which closes the input and clipboard
   * channels and logs it. False if control was not granted.
   */
  takeBackControl(): boolean {
    if (!this.grants.delete('screen_control')) return false;
    this.session.revoke('screen_control');
    this.liveChanged();
    return true;
  }

  /** Takes a permission back (the page's and the terminal's revoke): tools stop at once, the broker closes its channels. */
  revoke(permission: SessionPermission): void {
    if (permission === 'screen_control') {
      this.takeBackControl();
      return;
    }
    if (!this.grants.delete(permission)) return;
    this.session.revoke(permission);
    if (permission === 'elevation') {
      void this.elevator?.stop();
      if (this.elevation !== 'none') this.setElevation('none');
    }
    this.liveChanged();
  }

  private onEvent(event: SessionEvent): void {
    this.update({ kind: 'event', event });
    const b = event.body;
    if (b.kind === 'rep_joined') this.reps.set(b.userId, b.name);
    else if (b.kind === 'rep_left') this.reps.delete(b.userId);
    else if (b.kind === 'transferred') {
      this.reps.delete(b.fromUserId);
      this.reps.set(b.toUserId, b.toName);
    }
    if (b.kind === 'permission_requested') {
      // USR-13: granted by the rep's prompt setting (its permission_granted follows): nothing to
      // ask. A prompt here was answered against a request the broker had already closed.
      if (b.byPolicy) return;
      const prompt = { requestId: b.requestId, permission: b.permission, repName: event.actor.name };
      if (this.autoApprove && this.session.welcomeInfo?.autoApproveAllowed) {
        this.session.consent(b.requestId, true, true);
        return;
      }
      this.prompts.set(b.requestId, prompt);
      this.update({ kind: 'prompt', prompt });
    } else if (b.kind === 'permission_granted' || b.kind === 'permission_denied') {
      if (b.kind === 'permission_granted') {
        this.grants.add(b.permission);
        if (b.permission === 'elevation' && this.elevator && this.elevation !== 'elevated') {
          this.elevationTries = 0;
          this.setElevation('ask');
        }
      }
      if (this.prompts.delete(b.requestId)) this.update({ kind: 'prompt_closed', requestId: b.requestId });
      this.liveChanged();
    } else if (b.kind === 'permission_revoked') {
      this.grants.delete(b.permission);
      if (b.permission === 'elevation' && this.elevation !== 'none') {
        void this.elevator?.stop();
        this.setElevation('none');
      }
      this.liveChanged();
    } else if (b.kind === 'rep_joined' || b.kind === 'rep_left' || b.kind === 'transferred') this.liveChanged();
  }

  /** Answers a prompt; false if it was already answered (from the other face). */
  answer(requestId: string, granted: boolean): boolean {
    if (!this.prompts.has(requestId)) return false;
    this.prompts.delete(requestId);
    this.session.consent(requestId, granted);
    this.update({ kind: 'prompt_closed', requestId });
    return true;
  }

  oldestPrompt(): Prompt | undefined {
    return this.prompts.values().next().value;
  }
}

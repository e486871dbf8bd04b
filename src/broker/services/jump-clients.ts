// Installed Jump Clients (JMP-2, JMP-8, JMP-9, STA-2, USR-10): registration with a deployment key,
// the persistent connections of the ones online (tens of thousands, so nothing per client but a
// map entry and its socket), the list reps see, and starting a session on one.
import type { Logger } from 'pino';
import {
  JUMP_LIST_PAGE,
  JUMP_PROTOCOL_VERSION,
  JumpClose,
  type JumpAgentMessage,
  type JumpBrokerMessage,
  type JumpChangedMessage,
  type JumpClientView,
  JUMP_CHANGED_MAX_IDS,
  type RegisterJumpClientBody,
  type UpdateJumpClientBody,
} from '../../protocol/jump.ts';
import type { z } from 'zod';
import type { ListJumpClientsQuery } from '../../protocol/jump.ts';
import { PasserelleError } from '../errors.ts';
import type { JumpClientRecord } from '../store/jump-store.ts';
import type { Store, UserRecord } from '../store/store.ts';
import type { Clock } from './accounts.ts';
import { AttemptLimiter } from './attempt-limiter.ts';
import type { JumpDeployments } from './jump-deployments.ts';
import type { JumpUpdates } from './jump-updates.ts';
import { canSee, personalGroup, requireJump, requireManage } from './jump-rights.ts';
import type { LiveSession } from './live-session.ts';
import type { SessionsService } from './sessions.ts';
import { SYSTEM as SYSTEM_ACTOR } from './session-log.ts';
import type { PortalService } from './portal.ts';
import { newToken, safeEqual, sha256 } from './secrets.ts';

export type JumpHello = Extract<JumpAgentMessage, { type: 'hello' }>;

/** One online Jump Client's connection, as the gateway hands it over. */
export interface JumpAgentSink {
  readonly address: string;
  send(msg: JumpBrokerMessage): void;
  close(code: number, reason: string): void;
  ping(): void;
  terminate(): void;
  /** Set by the gateway when a pong arrives; cleared at each heartbeat. */
  alive: boolean;
  /** Set by the service at hello: the client's Jump group (who is told when it goes offline). */
  jumpGroup?: string;
}

/** A rep console following the list (rep-gateway.ts): told which clients it may see changed. */
export interface JumpWatcher {
  readonly userId: number;
  send(msg: JumpChangedMessage): void;
}

/** Changes are gathered this long, then pushed once to each console (a fleet reconnecting is one message a console, not 20,000). */
const PUSH_GATHER_MS = 250;

export interface JumpOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  deployments: JumpDeployments;
  portal: PortalService;
  licences: () => number;
  /** Registrations one address may attempt per minute (a flood of installs from one place). */
  registrationsPerMinute: number;
  /** Seconds between the broker's pings; a client that misses one is dropped. */
  heartbeatSeconds: number;
  /** JMP-5: the update offered to clients of another version. */
  updates?: JumpUpdates;
  /** The running support sessions, for attach and detach (JMP-10). */
  sessions?: Pick<SessionsService, 'get' | 'parts'>;
  /**
   * Connections on `/ws/jump` admitted but not yet authenticated, at most (default 256). Beyond
   * it a new connection is answered `busy` at once and closed, instead of queueing its work.
   */
  admissionLimit?: number;
  /** The retry delay a refused connection is told, before jitter and load scaling (default 2 s). */
  busyRetryMs?: number;
}

export const DEFAULT_JUMP_ADMISSION_LIMIT = 256;
export const DEFAULT_JUMP_BUSY_RETRY_MS = 2000;
/** A busy hint is never longer than this, however many were refused. */
const MAX_BUSY_RETRY_MS = 30_000;
/** Refusals are counted (and logged) per window of this length. */
const BUSY_WINDOW_MS = 1000;

const LAST_SEEN_FLUSH_MS = 5 * 60_000;

export class JumpClientsService {
  private readonly online = new Map<string, JumpAgentSink>();
  /** JMP-10: one-install deployments issued by an attach, deployment id → session. */
  private readonly attaching = new Map<string, string>();
  private readonly registrations: AttemptLimiter;
  private readonly badKeys: AttemptLimiter;
  private readonly badHellos: AttemptLimiter;
  private heartbeat: NodeJS.Timeout | undefined;
  private flush: NodeJS.Timeout | undefined;
  private readonly watchers = new Set<JumpWatcher>();
  /** Changed since the last push: client id → its Jump group. */
  private readonly changes = new Map<string, string>();
  private pushTimer: NodeJS.Timeout | undefined;
  /** Connections admitted whose hello is not answered yet (admit/release). */
  private admitting = 0;
  private busyWindowStart = 0;
  private busyThisWindow = 0;
  private busyLastWindow = 0;
  private busyTotal = 0;

  constructor(private readonly o: JumpOptions) {
    this.registrations = new AttemptLimiter(o.clock, o.registrationsPerMinute, 60_000);
    this.badKeys = new AttemptLimiter(o.clock, 10, 60_000);
    this.badHellos = new AttemptLimiter(o.clock, 30, 60_000);
  }

  get heartbeatSeconds(): number {
    return this.o.heartbeatSeconds;
  }

  get onlineCount(): number {
    return this.online.size;
  }

  /** Connections refused as busy since the broker started. */
  get busyRefusals(): number {
    return this.busyTotal;
  }

  // ---- admission of connecting agents (a fleet reconnecting after a restart) ----

  /**
   * Takes a place for a new connection until its hello is answered (`release`), or returns the
   * delay to tell it (jittered, longer the more were refused in the last second) when all places
   * are taken.
   */
  admit(): { ok: true } | { ok: false; retryAfterMs: number } {
    const limit = this.o.admissionLimit ?? DEFAULT_JUMP_ADMISSION_LIMIT;
    if (this.admitting < limit) {
      this.admitting++;
      return { ok: true };
    }
    const now = this.o.clock.now().getTime();
    if (now - this.busyWindowStart >= BUSY_WINDOW_MS) {
      if (this.busyThisWindow > 0) this.o.log.warn({ refused: this.busyThisWindow, admitting: this.admitting, limit }, 'jump client connections refused: busy authenticating others');
      this.busyLastWindow = now - this.busyWindowStart < 2 * BUSY_WINDOW_MS ? this.busyThisWindow : 0;
      this.busyThisWindow = 0;
      this.busyWindowStart = now;
    }
    this.busyThisWindow++;
    this.busyTotal++;
    const base = this.o.busyRetryMs ?? DEFAULT_JUMP_BUSY_RETRY_MS;
    // As many refused last second as there are places: twice the delay, and so on.
    const scaled = Math.min(MAX_BUSY_RETRY_MS, base * (1 + Math.max(this.busyLastWindow, this.busyThisWindow) / limit));
    return { ok: false, retryAfterMs: Math.round(scaled * (0.5 + Math.random())) };
  }

  release(): void {
    if (this.admitting > 0) this.admitting--;
  }

  countActive(): Promise<number> {
    return this.o.store.countActiveJumpClients();
  }

  // ---- the list pushed to consoles (instead of polled) ----

  /** Follows the list for this rep's console; returns the way to stop. */
  watch(w: JumpWatcher): () => void {
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }

  private changed(id: string, jumpGroup: string): void {
    if (this.watchers.size === 0) return;
    this.changes.set(id, jumpGroup);
    if (this.pushTimer) return;
    this.pushTimer = setTimeout(() => {
      this.pushTimer = undefined;
      this.push().catch((err: unknown) => this.o.log.error({ err }, 'pushing jump client changes failed'));
    }, PUSH_GATHER_MS);
    this.pushTimer.unref();
  }

  /** Each console hears only of clients its rep may see (USR-10), with the rights it has now. */
  private async push(): Promise<void> {
    const changes = [...this.changes];
    this.changes.clear();
    for (const w of [...this.watchers]) {
      const user = await this.o.store.getUserById(w.userId);
      if (!user || !this.watchers.has(w)) continue;
      const ids: string[] = [];
      let seen = 0;
      for (const [id, group] of changes) {
        if (!canSee(user, group)) continue;
        seen++;
        if (ids.length < JUMP_CHANGED_MAX_IDS) ids.push(id);
      }
      if (seen > 0) w.send({ type: 'jump.changed', ids, more: seen > ids.length });
    }
  }

  // ---- registration (public: the installer calls it) ----

  async register(body: RegisterJumpClientBody, address: string): Promise<{ clientId: string; secret: string; updateKey?: string }> {
    const log = this.o.log.child({ address });
    if (this.badKeys.blocked(address) || this.registrations.blocked(address)) {
      log.warn('jump client registration refused: too many from this address');
      throw new PasserelleError('rate_limited', 'Too many Jump Client registrations from this address; wait a minute');
    }
    this.registrations.fail(address);
    const signed = await this.o.deployments.verify(body.keyInfo);
    if (signed === 'forged' || signed === 'expired') {
      this.badKeys.fail(address);
      log.warn({ reason: signed }, 'jump client registration refused: bad deployment key');
      throw new PasserelleError('invalid_deployment_key', signed === 'expired' ? 'This installer has expired; ask for a new one' : 'This installer was not issued by this site');
    }
    const now = this.o.clock.now().toISOString();
    const groupOverride = body.jumpGroup?.toLowerCase();
    if (groupOverride) {
      const user = await this.o.store.getUserByUsername(groupOverride.slice('user:'.length));
      if (!user) throw new PasserelleError('validation_failed', `There is no user for the Jump group "${groupOverride}"`, { field: 'jumpGroup' });
    }
    const secret = newToken(32);
    const id = `jc_${newToken(16)}`;
    let jumpGroup = '';
    const result = await this.o.store.transaction(async () => {
      const used = await this.o.store.useDeployment(signed.id, now);
      if (!used.ok) return used;
      const active = await this.o.store.countActiveJumpClients();
      const allowed = this.o.licences();
      if (active >= allowed) {
        await this.o.store.releaseDeployment(signed.id);
        return { ok: false as const, reason: 'licence' as const, allowed };
      }
      const d = used.deployment;
      jumpGroup = groupOverride ?? d.jumpGroup;
      await this.o.store.insertJumpClient({
        id,
        secretHash: sha256(secret),
        machineProof: body.machineProof,
        deploymentId: d.id,
        jumpGroup,
        tag: body.tag?.trim() ?? d.tag,
        comments: body.comments?.trim() ?? d.comments,
        hostName: body.info.hostName,
        os: body.info.os,
        userName: body.info.userName,
        privateIp: body.info.privateIp,
        publicIp: address,
        version: body.info.version,
        platform: body.info.platform,
        createdAt: now,
        lastSeenAt: null,
        removedAt: null,
      });
      return { ok: true as const };
    });
    if (!result.ok) {
      if (result.reason === 'licence') {
        log.warn({ allowed: result.allowed }, 'jump client registration refused: licence limit');
        throw new PasserelleError(
          'licence_limit_reached',
          `This site's licence allows ${result.allowed} active Jump Clients and all are in use; remove one from the Jump Clients list or extend the licence`,
          { allowed: result.allowed },
        );
      }
      this.badKeys.fail(address);
      log.warn({ reason: result.reason, deployment: signed.id }, 'jump client registration refused');
      throw new PasserelleError(
        'invalid_deployment_key',
        result.reason === 'used_up' ? 'This installer has been used as many times as it allows; ask for a new one' : result.reason === 'expired' ? 'This installer has expired; ask for a new one' : 'This installer was not issued by this site',
      );
    }
    log.info({ clientId: id, deployment: signed.id, host: body.info.hostName }, 'jump client registered');
    this.changed(id, jumpGroup);
    const attach = this.attaching.get(signed.id);
    if (attach) {
      this.attaching.delete(signed.id);
      this.attached(attach, id, body.info.hostName);
    }
    return { clientId: id, secret, ...(this.o.updates ? { updateKey: await this.o.updates.publicKey() } : {}) };
  }

  // ---- the persistent connection (ws/jump-gateway.ts) ----

  /** Authenticates a connecting agent; afterwards it is online until `disconnected`. */
  async hello(msg: JumpHello, sink: JumpAgentSink): Promise<JumpClientRecord> {
    if (msg.protocol !== JUMP_PROTOCOL_VERSION) {
      throw new PasserelleError('protocol_version', `This Jump Client speaks protocol ${msg.protocol}; the site needs ${JUMP_PROTOCOL_VERSION}`);
    }
    if (this.badHellos.blocked(sink.address)) throw new PasserelleError('rate_limited', 'Too many failed Jump Client logins from this address; wait a minute');
    const rec = await this.o.store.getJumpClient(msg.clientId);
    if (!rec || !safeEqual(rec.secretHash, sha256(msg.secret))) {
      this.badHellos.fail(sink.address);
      this.o.log.warn({ clientId: msg.clientId, address: sink.address }, 'jump client refused: unknown client or wrong secret');
      throw new PasserelleError('unauthenticated', 'Unknown Jump Client or wrong secret');
    }
    if (!safeEqual(rec.machineProof, msg.machineProof)) {
      // The identity file was copied to another computer: the genuine client keeps its place.
      this.badHellos.fail(sink.address);
      this.o.log.warn({ clientId: rec.id, address: sink.address, host: msg.info.hostName }, 'jump client refused: secret replayed from another computer');
      throw new PasserelleError('replayed', 'This Jump Client identity belongs to another computer');
    }
    const previous = this.online.get(rec.id);
    sink.jumpGroup = rec.jumpGroup;
    this.online.set(rec.id, sink);
    if (previous && previous !== sink) previous.close(JumpClose.superseded, 'connected again');
    const now = this.o.clock.now().toISOString();
    const i = msg.info;
    const changed = i.hostName !== rec.hostName || i.os !== rec.os || i.userName !== rec.userName || i.privateIp !== rec.privateIp || i.version !== rec.version || sink.address !== rec.publicIp;
    const patch = changed
      ? { hostName: i.hostName, os: i.os, userName: i.userName, privateIp: i.privateIp, version: i.version, platform: i.platform, publicIp: sink.address, lastSeenAt: now }
      : { lastSeenAt: now };
    // A client reporting what the store already holds costs no write: while online its last-seen
    // time is written by the periodic flush and at its disconnect (a fleet reconnecting after a
    // restart is 20,000 hellos).
    if (changed) await this.o.store.updateJumpClient(rec.id, patch);
    this.changed(rec.id, rec.jumpGroup);
    if (rec.removedAt) {
      // Removed from the list while it was away: it uninstalls itself now.
      sink.send({ type: 'uninstall', reason: 'removed' });
    } else {
      sink.send({ type: 'welcome', protocol: JUMP_PROTOCOL_VERSION, clientId: rec.id, heartbeatSeconds: this.o.heartbeatSeconds });
      // JMP-5: a site upgraded since this client was built offers the new version.
      const update = await this.o.updates?.offer(i.platform, i.version);
      if (update) {
        this.o.log.info({ clientId: rec.id, from: i.version, to: update.version }, 'jump client update offered');
        sink.send(update);
      }
    }
    return { ...rec, ...patch };
  }

  async message(clientId: string, msg: Exclude<JumpAgentMessage, { type: 'hello' }>): Promise<void> {
    if (msg.type === 'uninstalled') {
      const rec = await this.o.store.getJumpClient(clientId);
      if (rec?.removedAt) {
        await this.o.store.deleteJumpClient(clientId);
        this.o.log.info({ clientId }, 'jump client uninstalled itself');
        this.changed(clientId, rec.jumpGroup);
      }
      this.online.get(clientId)?.close(JumpClose.uninstalled, 'uninstalled');
      return;
    }
    if (msg.type === 'update.failed') {
      this.o.log.warn({ clientId, version: msg.version, reason: msg.reason }, 'jump client update failed; it keeps its version');
      return;
    }
    this.o.log.info({ clientId, lsid: msg.lsid, ok: msg.ok, reason: msg.reason }, 'jump client answered a jump');
  }

  disconnected(clientId: string, sink: JumpAgentSink): void {
    if (this.online.get(clientId) !== sink) return;
    this.online.delete(clientId);
    if (sink.jumpGroup !== undefined) this.changed(clientId, sink.jumpGroup);
    this.o.store.updateJumpClient(clientId, { lastSeenAt: this.o.clock.now().toISOString() }).catch((err: unknown) => this.o.log.error({ err, clientId }, 'recording a jump client disconnect failed'));
  }

  /** One timer for every client: pings, drops the silent, and writes last-seen times in batches. */
  start(): void {
    this.heartbeat = setInterval(() => {
      for (const sink of this.online.values()) {
        if (!sink.alive) {
          sink.terminate();
          continue;
        }
        sink.alive = false;
        sink.ping();
      }
    }, this.o.heartbeatSeconds * 1000);
    this.heartbeat.unref();
    this.flush = setInterval(() => {
      const lastSeenAt = this.o.clock.now().toISOString();
      this.o.store.touchJumpClients([...this.online.keys()].map((id) => ({ id, lastSeenAt }))).catch((err: unknown) => this.o.log.error({ err }, 'writing jump client last-seen times failed'));
    }, LAST_SEEN_FLUSH_MS);
    this.flush.unref();
  }

  stop(): void {
    clearInterval(this.heartbeat);
    clearInterval(this.flush);
    clearTimeout(this.pushTimer);
    this.watchers.clear();
    for (const sink of this.online.values()) sink.close(1001, 'broker_shutdown');
    this.online.clear();
  }

  // ---- the list (console) ----

  view(r: JumpClientRecord): JumpClientView {
    const online = this.online.has(r.id) && !r.removedAt;
    return {
      id: r.id,
      online,
      lastSeenAt: online ? this.o.clock.now().toISOString() : r.lastSeenAt,
      jumpGroup: r.jumpGroup,
      tag: r.tag,
      comments: r.comments,
      hostName: r.hostName,
      os: r.os,
      userName: r.userName,
      privateIp: r.privateIp,
      publicIp: r.publicIp,
      version: r.version,
      platform: r.platform,
      createdAt: r.createdAt,
      removalPending: r.removedAt !== null,
    };
  }

  async list(user: UserRecord, query: z.infer<typeof ListJumpClientsQuery>): Promise<{ clients: JumpClientView[]; total: number; matched: number; online: number; offset: number; limit: number }> {
    const needle = query.q?.trim().toLowerCase();
    let views = (await this.o.store.listJumpClients()).filter((r) => canSee(user, r.jumpGroup)).map((r) => this.view(r));
    const total = views.length;
    if (needle) {
      views = views.filter((v) => [v.hostName, v.tag, v.comments, v.jumpGroup, v.os, v.userName, v.privateIp, v.publicIp, v.version].some((f) => f.toLowerCase().includes(needle)));
    }
    const sort = query.sort ?? 'hostName';
    const dir = query.order === 'desc' ? -1 : 1;
    const key = (v: JumpClientView): string => (sort === 'online' ? (v.online ? '0' : '1') : sort === 'lastSeenAt' ? (v.lastSeenAt ?? '') : v[sort]).toLowerCase();
    views.sort((a, b) => dir * (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id < b.id ? -1 : 1));
    const offset = query.offset ?? 0;
    const limit = query.limit ?? JUMP_LIST_PAGE;
    return { clients: views.slice(offset, offset + limit), total, matched: views.length, online: views.filter((v) => v.online).length, offset, limit };
  }

  private async require(id: string): Promise<JumpClientRecord> {
    const rec = await this.o.store.getJumpClient(id);
    if (!rec) throw new PasserelleError('not_found', 'No such Jump Client');
    return rec;
  }

  async update(user: UserRecord, id: string, body: z.infer<typeof UpdateJumpClientBody>): Promise<JumpClientView> {
    const rec = await this.require(id);
    requireManage(user, rec.jumpGroup);
    if (rec.removedAt) throw new PasserelleError('conflict', 'This Jump Client is being removed');
    const patch = { ...(body.tag !== undefined ? { tag: body.tag.trim() } : {}), ...(body.comments !== undefined ? { comments: body.comments.trim() } : {}) };
    await this.o.store.updateJumpClient(id, patch);
    this.o.log.info({ clientId: id, by: user.username, ...patch }, 'jump client edited');
    this.changed(id, rec.jumpGroup);
    return this.view({ ...rec, ...patch });
  }

  /** Removes it from the list; the agent uninstalls itself now if online, else when it next connects. */
  async remove(user: UserRecord, id: string): Promise<void> {
    const rec = await this.require(id);
    requireManage(user, rec.jumpGroup);
    if (rec.removedAt) return;
    await this.o.store.updateJumpClient(id, { removedAt: this.o.clock.now().toISOString() });
    this.o.log.info({ clientId: id, by: user.username }, 'jump client removed');
    this.changed(id, rec.jumpGroup);
    this.online.get(id)?.send({ type: 'uninstall', reason: 'removed' });
  }

  /** JMP-9: an unattended session on this Jump Client, owned by the rep from the start. */
  async jump(user: UserRecord, id: string, address: string): Promise<{ lsid: string }> {
    const rec = await this.require(id);
    requireJump(user, rec.jumpGroup);
    if (rec.removedAt) throw new PasserelleError('not_found', 'This Jump Client was removed');
    const sink = this.online.get(id);
    if (!sink) throw new PasserelleError('jump_client_offline', `${rec.hostName || 'This Jump Client'} is offline; it was last seen ${rec.lastSeenAt ?? 'never'}`);
    const lsid = newToken(12);
    const { ticket } = this.o.portal.issueTicket(
      { lsid, method: 'jump', queue: { kind: 'personal', userId: user.id }, keyUserId: null, jumpedBy: { userId: user.id, name: user.displayName, ip: address } },
      'customer_client',
      rec.userName || rec.hostName || undefined,
    );
    sink.send({ type: 'jump', lsid, ticket, repName: user.displayName, prompt: user.permissions.promptUnattended === 'always' });
    this.jumpedTo.set(lsid, id);
    if (this.jumpedTo.size > 10_000) this.jumpedTo.delete(this.jumpedTo.keys().next().value!);
    this.o.log.info({ clientId: id, lsid, by: user.username }, 'jump to a jump client');
    return { lsid };
  }

  // ---- attach and detach during a session (JMP-10, USR-12) ----

  /** Jump sessions started here, lsid → client (so a jump session can detach its Jump Client). */
  private readonly jumpedTo = new Map<string, string>();

  private liveSession(user: UserRecord, lsid: string): LiveSession {
    const p = user.permissions;
    if (!p.administrator && !p.attachJumpClients) throw new PasserelleError('forbidden', 'You are not allowed to attach or detach Jump Clients during a session');
    const s = this.o.sessions?.get(lsid);
    if (!s || s.ended) throw new PasserelleError('session_not_found', 'This session is not running');
    if (!s.participants.has(user.id)) throw new PasserelleError('forbidden', 'You are not in this session');
    return s;
  }

  /**
   * Asks the customer client of a running session to install a Jump Client in the rep's own Jump
   * group, with a one-install deployment key valid for an hour; the session log says when it has
   * registered (or why it could not).
   */
  async attach(user: UserRecord, lsid: string): Promise<{ jumpGroup: string }> {
    const s = this.liveSession(user, lsid);
    const jumpGroup = personalGroup(user);
    requireManage(user, jumpGroup);
    if (s.record.clientKind !== 'customer_client' || !s.customer) throw new PasserelleError('session_state', 'Only the full customer client, connected now, can install a Jump Client: offer it first');
    if (s.jumpClientId && this.online.has(s.jumpClientId)) throw new PasserelleError('session_state', 'A Jump Client is already attached to this computer in this session');
    if (s.jumpAttach) throw new PasserelleError('session_state', 'A Jump Client is already being installed on this computer');
    const platform = /windows/i.test(s.record.os) ? 'windows-x64' : 'linux-x64';
    const d = await this.o.deployments.create(user, { platform, jumpGroup, validMinutes: 60, maxInstalls: 1, comments: `Attached during session ${lsid}` });
    this.attaching.set(d.id, lsid);
    s.jumpAttach = { deploymentId: d.id, userId: user.id };
    const core = this.o.sessions!.parts.lifecycle;
    await s.run(async () => {
      await core.append(s, core.repActor(user, s.customer?.address ?? ''), { kind: 'jump_client_attach_requested', jumpGroup });
    });
    s.customer.send({ type: 'jump.attach', keyInfo: d.keyInfo, jumpGroup });
    this.o.log.info({ lsid, by: user.username, deployment: d.id }, 'jump client attach asked');
    return { jumpGroup };
  }

  private attached(lsid: string, clientId: string, hostName: string): void {
    const s = this.o.sessions?.get(lsid);
    if (!s || s.ended) return;
    s.jumpAttach = null;
    s.jumpClientId = clientId;
    const core = this.o.sessions!.parts.lifecycle;
    s.run(() => core.append(s, SYSTEM_ACTOR, { kind: 'jump_client_attached', clientId, hostName })).catch((err: unknown) => this.o.log.error({ err, lsid }, 'logging a jump client attach failed'));
  }

  /** Removes the Jump Client of this session's computer (attached in it, or the one jumped to); it uninstalls itself. */
  async detach(user: UserRecord, lsid: string, address: string): Promise<{ clientId: string }> {
    const s = this.liveSession(user, lsid);
    const clientId = s.jumpClientId ?? this.jumpedTo.get(lsid);
    if (!clientId) throw new PasserelleError('not_found', 'No Jump Client is attached to this computer in this session');
    await this.remove(user, clientId);
    s.jumpClientId = null;
    this.jumpedTo.delete(lsid);
    const core = this.o.sessions!.parts.lifecycle;
    await s.run(() => core.append(s, core.repActor(user, address), { kind: 'jump_client_detached', clientId }));
    return { clientId };
  }
}

// The broker's domain services wired together; routes and gateways receive this, nothing global.
import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';
import { AccountsService, type Clock } from './accounts.ts';
import { JumpClientsService } from './jump-clients.ts';
import { JumpDeployments } from './jump-deployments.ts';
import { JumpMailer, type SmtpSettingsSource } from './jump-mailer.ts';
import { JumpUpdates } from './jump-updates.ts';
import { PortalService } from './portal.ts';
import { PortalFront, customerClientCommand } from './portal-front.ts';
import { PortalLookService } from './portal-look.ts';
import { PresenceService } from './presence.ts';
import { PresentationsService } from './presentations/presentations.ts';
import { PresentationReportsService } from './presentations/presentation-reports.ts';
import { ReportsService } from './reports/reports.ts';
import { RecordingsService } from '../recordings/recordings.ts';
import { RepSessionActions } from './session-rep-actions.ts';
import { SessionKeysService } from './session-keys.ts';
import { SessionsService } from './sessions.ts';
import { SiteService, type Licences } from './site.ts';
import { TwoStepService } from './two-step.ts';
import { UsersService } from './users.ts';

export interface Services {
  store: Store;
  clock: Clock;
  log: Logger;
  site: SiteService;
  accounts: AccountsService;
  twoStep: TwoStepService;
  users: UsersService;
  presence: PresenceService;
  sessionKeys: SessionKeysService;
  portal: PortalService;
  /** What the public portal shows and starts (the routes only validate). */
  portalFront: PortalFront;
  portalLook: PortalLookService;
  sessions: SessionsService;
  repSessionActions: RepSessionActions;
  reports: ReportsService;
  recordings: RecordingsService;
  /** CON-9, POR-2: running presentations; REP-6: their reports. */
  presentations: PresentationsService;
  presentationReports: PresentationReportsService;
  jumpDeployments: JumpDeployments;
  jumpClients: JumpClientsService;
  jumpMailer: JumpMailer;
  version: string;
  /** Binary frames one connection may send (ws/binary-guard.ts). */
  frameLimit: { perSecond: number; burst: number };
  startedAt: Date;
  certificateFingerprint: string | null;
}

export interface ServiceOptions {
  store: Store;
  log: Logger;
  clock?: Clock;
  licences: Licences;
  /** STA-5's default: the broker's own host and port, as clients reach it (known once it listens). */
  defaultHostName: () => string;
  version: string;
  certificateFingerprint: string | null;
  /** Support sessions: resume grace (default 60 s) and session-key guesses per address and minute. */
  sessions?: { resumeGraceMs?: number; keyAttemptsPerMinute?: number; startsPerMinute?: number; framesPerSecond?: number };
  /** The site's address as clients reach it (filled once it listens). */
  publicUrl?: () => string;
  /** Jump Clients: registrations per address and minute, heartbeat period. */
  jump?: { registrationsPerMinute?: number; heartbeatSeconds?: number; admissionLimit?: number; busyRetryMs?: number };
  /** The data directory (session recordings go in its `recordings` folder); none: no recording. */
  dataDir?: string;
  /** Where the Jump Client executables and their update manifests are (JMP-5); none: no updates offered. */
  jumpInstallersDir?: string;
  /** Frames per second of recordings converted to video (default 10). */
  recordingVideoFps?: number;
  /** Presentations: presenter resume grace, attendees per presentation, joins and wrong keys per address and minute. */
  presentations?: { resumeGraceMs?: number; maxAttendees?: number; joinsPerMinute?: number; keyAttemptsPerMinute?: number };
}

export const systemClock: Clock = { now: () => new Date() };

export function createServices(o: ServiceOptions): Services {
  const clock = o.clock ?? systemClock;
  const site = new SiteService(o.store, o.licences, o.defaultHostName);
  const presence = new PresenceService(clock);
  const sessionsRevoked = (userId: number, reason: string, keep?: string) => presence.closeUser(userId, reason, keep);
  const accounts = new AccountsService(o.store, site, clock, o.log, sessionsRevoked);
  const twoStep = new TwoStepService(o.store, site, accounts, clock, o.log, sessionsRevoked);
  const users = new UsersService(o.store, clock, o.log, {
    userSessionsRevoked: (userId) => sessionsRevoked(userId, 'account_changed'),
  });
  const sessionKeys = new SessionKeysService(o.store, clock, o.log, { max: o.sessions?.keyAttemptsPerMinute ?? 10, windowMs: 60_000 });
  const portal = new PortalService(o.store, clock);
  const portalLook = new PortalLookService(o.store, clock, o.log);
  let sessionsRef: SessionsService | null = null;
  const recordings = new RecordingsService({
    store: o.store,
    site,
    clock,
    log: o.log,
    dataDir: o.dataDir ?? null,
    channels: () => sessionsRef!.channels,
    ...(o.recordingVideoFps ? { videoFps: o.recordingVideoFps } : {}),
  });
  const sessions = new SessionsService({
    store: o.store,
    clock,
    log: o.log,
    keys: sessionKeys,
    portal,
    chatBannerForNewSession: () => portalLook.bannerForNewSession('customer_chat'),
    presence,
    resumeGraceMs: o.sessions?.resumeGraceMs ?? 60_000,
    startsPerMinute: o.sessions?.startsPerMinute ?? 60,
    recordings: {
      start: (s) => recordings.start(s),
      event: (lsid, actor, body) => recordings.event(lsid, actor, body),
      finish: (lsid, reason) => recordings.finish(lsid, reason),
    },
  });
  sessionsRef = sessions;
  const presentations = new PresentationsService({
    store: o.store,
    clock,
    log: o.log,
    bannerForNewPresentation: () => portalLook.bannerForNewSession('presentation'),
    presentationListShown: async () => (await portal.settings()).showPresentationList,
    ...o.presentations,
  });
  presence.useSessionCounts({ presentations: (userId) => presentations.runningFor(userId) });
  // STA-5: the command a web chat customer may run names the address clients connect to, like the download.
  const fullClientCommand = () => customerClientCommand(site, o.certificateFingerprint);
  const repSessionActions = new RepSessionActions(sessions.parts, o.store, fullClientCommand);
  const jumpDeployments = new JumpDeployments(o.store, clock, o.log, { publicUrl: o.publicUrl ?? (() => ''), fingerprint: o.certificateFingerprint });
  const jumpClients = new JumpClientsService({
    store: o.store,
    clock,
    log: o.log,
    deployments: jumpDeployments,
    portal,
    licences: () => o.licences.jumpClients,
    registrationsPerMinute: o.jump?.registrationsPerMinute ?? 30,
    heartbeatSeconds: o.jump?.heartbeatSeconds ?? 60,
    ...(o.jump?.admissionLimit !== undefined ? { admissionLimit: o.jump.admissionLimit } : {}),
    ...(o.jump?.busyRetryMs !== undefined ? { busyRetryMs: o.jump.busyRetryMs } : {}),
    sessions,
    ...(o.jumpInstallersDir ? { updates: new JumpUpdates(o.store, o.jumpInstallersDir, o.log) } : {}),
  });
  const smtp: SmtpSettingsSource = { smtp: () => site.smtp() };
  const jumpMailer = new JumpMailer(smtp, o.log);
  return {
    store: o.store,
    clock,
    log: o.log,
    site,
    accounts,
    twoStep,
    users,
    presence,
    sessionKeys,
    portal,
    portalFront: new PortalFront({ store: o.store, portal, presence, sessions, site, fingerprint: o.certificateFingerprint }),
    portalLook,
    sessions,
    repSessionActions,
    reports: new ReportsService(o.store, site, clock, o.log, (lsid) => recordings.has(lsid)),
    recordings,
    presentations,
    presentationReports: new PresentationReportsService(o.store, site, clock, o.log),
    jumpDeployments,
    jumpClients,
    jumpMailer,
    version: o.version,
    frameLimit: { perSecond: o.sessions?.framesPerSecond ?? 10_000, burst: 2 * (o.sessions?.framesPerSecond ?? 10_000) },
    startedAt: clock.now(),
    certificateFingerprint: o.certificateFingerprint,
  };
}

// Site status and settings (guide: "État"; STA-*), and the logged-in reps list.
import { z } from 'zod';
import { RepSessionClientMessages, RepSessionServerMessages } from './sessions.ts';
import { JumpChangedMessage } from './jump.ts';
import { plainText } from './text.ts';

export const HostName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(:\d{1,5})?$/, {
    message: 'a host name such as support.example.com, optionally with :port',
  });

export const SiteSettings = z.object({
  timeZone: z.string(),
  clientHostName: z.string(),
  passwordResetEnabled: z.boolean(),
  /** LOG-5: every user must log in with a second factor. */
  totpRequired: z.boolean(),
  lockoutThreshold: z.number().int(),
  lockoutMinutes: z.number().int(),
  /** REP-5: sessions that start while this is on are recorded (the customer is told). */
  recordSessions: z.boolean(),
  /** REP-5: recordings older than this many days are removed (0: kept until deleted). */
  recordingRetentionDays: z.number().int(),
  namedUserLicences: z.number().int(),
  jumpClientLicences: z.number().int(),
});
export type SiteSettings = z.infer<typeof SiteSettings>;

export const UpdateSiteSettingsBody = z
  .object({
    timeZone: plainText(64).optional(),
    clientHostName: HostName.optional(),
    passwordResetEnabled: z.boolean().optional(),
    totpRequired: z.boolean().optional(),
    lockoutThreshold: z.number().int().min(1).max(100).optional(),
    lockoutMinutes: z.number().int().min(1).max(24 * 60).optional(),
    recordSessions: z.boolean().optional(),
    recordingRetentionDays: z.number().int().min(0).max(3650).optional(),
  })
  .strict();
export type UpdateSiteSettingsBody = z.infer<typeof UpdateSiteSettingsBody>;

export const LoggedInRep = z.object({
  connectionId: z.string(),
  userId: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  client: z.enum(['browser', 'desktop']),
  connectedAt: z.string(),
  connectedSeconds: z.number().int(),
  /** Running support sessions and presentations (filled when those features exist). */
  supportSessions: z.number().int(),
  presentations: z.number().int(),
  address: z.string(),
});
export type LoggedInRep = z.infer<typeof LoggedInRep>;

export const SiteStatus = z.object({
  version: z.string(),
  settings: SiteSettings,
  timeZones: z.array(z.string()),
  licences: z.object({
    namedUsersAllowed: z.number().int(),
    namedUsersInUse: z.number().int(),
    jumpClientsAllowed: z.number().int(),
    jumpClientsInUse: z.number().int(),
  }),
  startedAt: z.string(),
  now: z.string(),
  certificateFingerprint: z.string().nullable(),
});
export type SiteStatus = z.infer<typeof SiteStatus>;

/** Public, unauthenticated facts the login page needs. */
export const PublicSiteInfo = z.object({
  passwordResetEnabled: z.boolean(),
  version: z.string(),
});
export type PublicSiteInfo = z.infer<typeof PublicSiteInfo>;

export const ConnectionIdParams = z.object({ connectionId: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/) }).strict();

/** Messages on the rep's console WebSocket (`/ws/rep`), server → console. */
export const RepServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), connectionId: z.string(), protocol: z.number().int() }),
  z.object({ type: z.literal('terminated'), reason: z.string() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string(), ref: z.string().optional() }),
  z.object({ type: z.literal('pong'), t: z.number() }),
  // Queue and session traffic (src/protocol/sessions.ts).
  ...RepSessionServerMessages,
  // The Jump Clients list changed (src/protocol/jump.ts).
  JumpChangedMessage,
]);
export type RepServerMessage = z.infer<typeof RepServerMessage>;

/** Console → server. */
export const RepClientMessage = z.discriminatedUnion('type', [z.object({ type: z.literal('ping'), t: z.number() }), ...RepSessionClientMessages]);
export type RepClientMessage = z.infer<typeof RepClientMessage>;

export const REP_PROTOCOL_VERSION = 1;

/** The site's outgoing mail (JMP-7 emails installer links through it). The password is never returned. */
export const SmtpSettingsView = z.object({
  host: z.string(),
  port: z.number().int(),
  secure: z.boolean(),
  username: z.string(),
  hasPassword: z.boolean(),
  from: z.string(),
  /** Accept a self-signed certificate on the mail server. */
  allowInvalidCertificate: z.boolean(),
});
export type SmtpSettingsView = z.infer<typeof SmtpSettingsView>;

export const UpdateSmtpSettingsBody = z
  .object({
    host: z.union([HostName, z.literal('')]).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    secure: z.boolean().optional(),
    username: plainText(200).optional(),
    password: z.string().max(200).optional(),
    from: z.union([z.email().max(254), z.literal('')]).optional(),
    allowInvalidCertificate: z.boolean().optional(),
  })
  .strict();
export type UpdateSmtpSettingsBody = z.infer<typeof UpdateSmtpSettingsBody>;

// Jump Clients on the wire (JMP-1..10, STA-2, USR-10): deployment keys and the mass deployment
// wizard, the agent's registration, its persistent channel (`/ws/jump`) and the Jump Clients list.
import { z } from 'zod';
import { plainText } from './text.ts';

/** Bumped when a message of the persistent channel changes incompatibly. */
export const JUMP_PROTOCOL_VERSION = 1;
/** Largest JSON message on `/ws/jump`, either way. */
export const MAX_JUMP_MESSAGE_BYTES = 8 * 1024;

export const JumpPlatform = z.enum(['linux-x64', 'windows-x64', 'windows-x64-msi']);
export type JumpPlatform = z.infer<typeof JumpPlatform>;

/** A Jump group; for now each rep has a personal one, `user:<username>` (JMP-1). */
export const JumpGroup = z
  .string()
  .max(80)
  .regex(/^user:[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/, { message: 'a Jump group such as user:admin' });

export const JumpTag = plainText(64);
export const JumpComments = plainText(500);

/** KEY_INFO: `<key id>.<expiry epoch seconds>.<max installs>.<HMAC-SHA256>`, signed by the site. */
export const KeyInfo = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]{16,32}\.\d{1,12}\.\d{1,6}\.[A-Za-z0-9_-]{43}$/, { message: 'a deployment key (KEY_INFO) issued by this site' });

/** What the agent reports about the computer it runs on (shown in the list). */
export const JumpClientInfo = z
  .object({
    hostName: plainText(255),
    os: plainText(100),
    userName: plainText(100),
    privateIp: plainText(64),
    version: plainText(32),
    platform: plainText(32),
  })
  .strict();
export type JumpClientInfo = z.infer<typeof JumpClientInfo>;

/** Proof of which computer presents an identity: a hash of that computer's machine id and the client id. */
export const MachineProof = z.string().regex(/^[0-9a-f]{64}$/, { message: 'a SHA-256 hex digest' });

// ---- the wizard (console → broker) ----

export const CreateDeploymentBody = z
  .object({
    platform: JumpPlatform,
    jumpGroup: JumpGroup,
    tag: JumpTag.optional(),
    comments: JumpComments.optional(),
    /** How long the installer may be used (JMP-1): 1 hour to 1 year. */
    validMinutes: z.number().int().min(60).max(365 * 24 * 60),
    /** How many computers may install from it (JMP-7). */
    maxInstalls: z.number().int().min(1).max(100_000),
  })
  .strict();
export type CreateDeploymentBody = z.infer<typeof CreateDeploymentBody>;

export const DeploymentView = z.object({
  id: z.string(),
  platform: JumpPlatform,
  jumpGroup: z.string(),
  tag: z.string(),
  comments: z.string(),
  expiresAt: z.string(),
  maxInstalls: z.number().int(),
  installs: z.number().int(),
  keyInfo: z.string(),
  /** Where the installer downloads (a secret address: it carries the key). */
  downloadUrl: z.string(),
  /** Command lines that install from a terminal (JMP-2, JMP-3). */
  commands: z.array(z.object({ label: z.string(), command: z.string() })),
  createdAt: z.string(),
});
export type DeploymentView = z.infer<typeof DeploymentView>;

export const EmailDeploymentBody = z
  .object({
    recipients: z.array(z.email().max(254)).min(1).max(50),
    message: plainText(1000).optional(),
    language: z.enum(['en', 'fr']).optional(),
  })
  .strict();
export const EmailDeploymentResult = z.object({ sent: z.number().int(), recipients: z.array(z.string()) });

export const DeploymentIdParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{16,32}$/) }).strict();

// ---- registration (agent → broker, public) ----

export const RegisterJumpClientBody = z
  .object({
    keyInfo: KeyInfo,
    info: JumpClientInfo,
    machineProof: MachineProof,
    /** Installer parameters that override the deployment's (JMP-2). */
    jumpGroup: JumpGroup.optional(),
    tag: JumpTag.optional(),
    comments: JumpComments.optional(),
  })
  .strict();
export type RegisterJumpClientBody = z.infer<typeof RegisterJumpClientBody>;

export const JumpClientId = z.string().regex(/^jc_[A-Za-z0-9_-]{16,32}$/, { message: 'a Jump Client id' });

/** The agent's identity: kept in its install directory (mode 0600); the deployment key is not. */
export const JumpIdentity = z.object({
  clientId: JumpClientId,
  secret: z.string().min(32).max(128),
  broker: z.string().regex(/^https:\/\/[^\s/]+$/),
  pin: z.string().regex(/^[0-9A-Fa-f:]{64,95}$/),
  /** JMP-5: the key that must have signed an update (given at registration). */
  updateKey: z.string().max(200).optional(),
});
export type JumpIdentity = z.infer<typeof JumpIdentity>;

export const RegisterJumpClientResult = z.object({
  clientId: JumpClientId,
  secret: z.string(),
  /** JMP-5: the site's Ed25519 public key (SPKI DER, base64) that signs Jump Client updates. */
  updateKey: z.string().max(200).optional(),
});

/** What the site signs for an update (JMP-5): the agent checks the same string. */
export function jumpUpdateStatement(u: { platform: string; version: string; size: number; sha512: string }): string {
  return `passerelle-jump-update\n${u.platform}\n${u.version}\n${u.size}\n${u.sha512}`;
}

// ---- the persistent channel (/ws/jump) ----

export const JumpAgentMessage = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('hello'),
      protocol: z.number().int(),
      clientId: JumpClientId,
      secret: z.string().min(32).max(128),
      machineProof: MachineProof,
      info: JumpClientInfo,
    })
    .strict(),
  /** The agent took a jump request and is starting the session (or could not). */
  z.object({ type: z.literal('jump.result'), lsid: z.string().max(64), ok: z.boolean(), reason: plainText(200).optional() }).strict(),
  /** The agent removed itself after `uninstall`. */
  z.object({ type: z.literal('uninstalled') }).strict(),
  /** JMP-5: an offered update could not be applied (the old version keeps running). */
  z.object({ type: z.literal('update.failed'), version: plainText(32), reason: plainText(300) }).strict(),
]);
export type JumpAgentMessage = z.infer<typeof JumpAgentMessage>;

export const JumpBrokerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('welcome'), protocol: z.number().int(), clientId: z.string(), heartbeatSeconds: z.number().int() }),
  /** A rep jumped: join the session with this one-time ticket (JMP-9). */
  z.object({ type: z.literal('jump'), lsid: z.string(), ticket: z.string(), repName: z.string(), prompt: z.boolean() }),
  /** The Jump Client was removed from the list: uninstall (JMP-5's opposite, guide "Supprimer"). */
  z.object({ type: z.literal('uninstall'), reason: z.string() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
  /**
   * The broker is authenticating as many connections as it admits at once (a fleet reconnecting
   * after a restart): come back after `retryAfterMs` (already jittered by the broker) instead of
   * the usual backoff. The connection is then closed with `JumpClose.busy`.
   */
  z.object({ type: z.literal('busy'), retryAfterMs: z.number().int().min(0).max(600_000) }),
  /**
   * JMP-5: the site has another Jump Client version for this platform: download it from `path`,
   * check its size, SHA-512 and the site's Ed25519 signature of jumpUpdateStatement(), swap, restart.
   */
  z.object({
    type: z.literal('update'),
    version: z.string().max(32),
    platform: z.string().max(32),
    path: z.string().regex(/^\/download\/jump-agent\/[a-z0-9-]+$/),
    size: z.number().int().positive(),
    sha512: z.string().regex(/^[0-9a-f]{128}$/),
    signature: z.string().max(200),
  }),
]);
export type JumpBrokerMessage = z.infer<typeof JumpBrokerMessage>;

/** Close codes of `/ws/jump`. The agent stops retrying on `refused` (removed, revoked, replayed). */
export const JumpClose = {
  protocol: 4002,
  refused: 4003,
  superseded: 4009,
  uninstalled: 4010,
  licence: 4011,
  /** Too many connections being authenticated at once: retry after the `busy` message's delay. */
  busy: 4012,
} as const;

// ---- the Jump Clients list ----

export const JumpClientView = z.object({
  id: JumpClientId,
  online: z.boolean(),
  lastSeenAt: z.string().nullable(),
  jumpGroup: z.string(),
  tag: z.string(),
  comments: z.string(),
  hostName: z.string(),
  os: z.string(),
  userName: z.string(),
  privateIp: z.string(),
  publicIp: z.string(),
  version: z.string(),
  platform: z.string(),
  createdAt: z.string(),
  /** Removed from the list; the agent uninstalls itself at its next connection. */
  removalPending: z.boolean(),
});
export type JumpClientView = z.infer<typeof JumpClientView>;

export const JumpClientList = z.object({
  clients: z.array(JumpClientView),
  /** Jump Clients the caller may see; `matched` of them match the search; `online` of those are online. */
  total: z.number().int(),
  matched: z.number().int(),
  online: z.number().int(),
  /** Where this page starts in the matched list, and its size limit. */
  offset: z.number().int(),
  limit: z.number().int(),
});
export type JumpClientList = z.infer<typeof JumpClientList>;

/** At most this many ids in one `jump.changed`; beyond it `more` says "reload everything". */
export const JUMP_CHANGED_MAX_IDS = 200;

/**
 * Pushed on the rep console socket when Jump Clients this rep may see were added, came online,
 * went offline, were edited or removed (the broker filters by the rep's Jump rights, USR-10): the
 * open list reloads its page instead of polling.
 */
export const JumpChangedMessage = z.object({
  type: z.literal('jump.changed'),
  ids: z.array(z.string().max(64)).max(JUMP_CHANGED_MAX_IDS),
  more: z.boolean(),
});
export type JumpChangedMessage = z.infer<typeof JumpChangedMessage>;

export const ListJumpClientsQuery = z
  .object({
    q: plainText(100).optional(),
    sort: z.enum(['hostName', 'lastSeenAt', 'jumpGroup', 'tag', 'os', 'version', 'online']).optional(),
    order: z.enum(['asc', 'desc']).optional(),
    /** A page of the sorted, searched list (tens of thousands of clients): at most 500 at a time. */
    limit: z.coerce.number().int().min(1).max(500).optional(),
    offset: z.coerce.number().int().min(0).max(10_000_000).optional(),
  })
  .strict();

/** Clients per page of the list when the caller gives no limit. */
export const JUMP_LIST_PAGE = 100;

export const UpdateJumpClientBody = z.object({ tag: JumpTag.optional(), comments: JumpComments.optional() }).strict();
export const JumpClientIdParams = z.object({ id: JumpClientId }).strict();
export const StartJumpResult = z.object({ lsid: z.string() });
export type StartJumpResult = z.infer<typeof StartJumpResult>;

/**
 * The MSI's per-site properties (JMP-3): the package is built once with placeholders, and the
 * broker writes its address and certificate pin into them when it serves the download.
 */
export const JUMP_MSI_SITE_PROPERTY = 'PASSERELLE_SITE';
export const JUMP_MSI_PIN_PROPERTY = 'PASSERELLE_PIN';
export const JUMP_MSI_UNSET = '-';

// ---- attach and detach during a session (JMP-10, USR-12) ----

export const AttachJumpResult = z.object({ jumpGroup: z.string() });
export const DetachJumpResult = z.object({ clientId: z.string() });

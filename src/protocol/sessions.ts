// Support sessions on the wire (POR-1..5, CON-2, CON-3, USR-13): the customer's channel
// (`/ws/customer`), the session messages on the rep console channel (`/ws/rep`), the event log
// both sides read, and the REST bodies for session keys and the portal.
import { z } from 'zod';
import { FileOperationEvent, FileTransferEvent } from './files.ts';
import { ShellClosedEvent, ShellOpenedEvent, ShellTranscriptEvent } from './shell.ts';
import { ScreenMonitorSwitchedEvent, ScreenViewStartedEvent, ScreenViewStoppedEvent } from './screen.ts';
import { ChannelKind, ChannelMeta, ChannelOpenedMessage, ChannelView, SessionChannelKind } from './channels.ts';
import { plainText } from './text.ts';
import { AnnotationsClearedEvent, AnnotationsShownEvent, ControlStartedEvent, ControlStoppedEvent } from './remote-control.ts';
import type { Permissions } from './users.ts';

/** Bumped when a message changes incompatibly; older customer clients are refused with `protocol_version`. */
export const SESSION_PROTOCOL_VERSION = 1;
export const MIN_SESSION_PROTOCOL_VERSION = 1;
/** Largest JSON control message either side accepts, in bytes. */
export const MAX_CONTROL_MESSAGE_BYTES = 16 * 1024;
/** Longest chat line, in characters (UTF-16 units, as `String.length` counts): refused beyond, never cut. */
export const MAX_CHAT_CHARS = 4000;
/** From this length on, the chat boxes show how much room is left. */
export const CHAT_WARN_CHARS = 3600;

/** How a chat line being typed stands against the limit; every chat box (console, portal, client) uses it. */
export function chatLength(text: string): { count: number; max: number; near: boolean; over: boolean } {
  const count = text.trim().length;
  return { count, max: MAX_CHAT_CHARS, near: count >= CHAT_WARN_CHARS, over: count > MAX_CHAT_CHARS };
}
export const HISTORY_PAGE = 500;

export const Lsid = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, { message: 'a session id (LSID)' });
/** A sender's own message number: strictly increasing per sender and session, so replays are recognised. */
export const ClientSeq = z.number().int().positive().max(2 ** 31);
const Ref = z.string().min(1).max(64);

/** What a customer grants a rep, asked before any access (USR-13). */
export const SessionPermission = z.enum(['screen_view', 'screen_control', 'annotations', 'file_transfer', 'shell', 'elevation']);
export type SessionPermission = z.infer<typeof SessionPermission>;

/**
 * The tools a customer's client can have: the live channel kinds it has handlers for (the same
 * names as src/protocol/channels.ts, issue 7) and elevation. It says which in its hello; the web
 * chat has none. A rep may ask for a permission only when the client has its tool.
 */
export const ClientTool = z.enum(['screen', 'input', 'clipboard', 'annotation', 'file', 'shell', 'elevation']);
export type ClientTool = z.infer<typeof ClientTool>;

/** The tool each session permission needs on the customer's side. */
export const permissionTool: Record<SessionPermission, ClientTool> = {
  screen_view: 'screen',
  screen_control: 'input',
  annotations: 'annotation',
  file_transfer: 'file',
  shell: 'shell',
  elevation: 'elevation',
};

/** Which user permission a rep needs to ask the customer for each session permission (USR-11, USR-12). */
export const permissionRight: Record<SessionPermission, keyof Permissions> = {
  screen_view: 'screenSharing',
  screen_control: 'screenSharing',
  annotations: 'annotations',
  file_transfer: 'fileTransfer',
  shell: 'shell',
  elevation: 'elevation',
};

/** The permissions a rep may ask for in a session: the client has the tool and the rep the right (USR-14). */
export function askablePermissions(rights: Permissions, tools: readonly ClientTool[]): SessionPermission[] {
  return SessionPermission.options.filter(
    (p) => tools.includes(permissionTool[p]) && (rights.administrator || rights[permissionRight[p]] === true),
  );
}

/** CON-8: how an elevation attempt ended, how it was done (Linux: sudo, or pkexec with a polkit agent), and why it failed. */
export const ElevationResult = z.enum(['elevated', 'failed', 'cancelled', 'dropped']);
export type ElevationResult = z.infer<typeof ElevationResult>;
export const ElevationMethod = z.enum(['sudo', 'pkexec']);
export type ElevationMethod = z.infer<typeof ElevationMethod>;
export const ElevationError = z.enum(['wrong_password', 'not_allowed', 'unavailable', 'failed']);
export type ElevationError = z.infer<typeof ElevationError>;

export const SessionState = z.enum(['waiting', 'active', 'ended']);
export type SessionState = z.infer<typeof SessionState>;
/** `jump`: a rep started it on a Jump Client (JMP-9), unattended. */
export const StartMethod = z.enum(['session_key', 'rep_list', 'connect', 'jump']);
export type StartMethod = z.infer<typeof StartMethod>;
export const CustomerClientKind = z.enum(['customer_client', 'web_chat']);
export type CustomerClientKind = z.infer<typeof CustomerClientKind>;

export const Queue = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('general') }),
  z.object({ kind: z.literal('personal'), userId: z.number().int() }),
]);
export type Queue = z.infer<typeof Queue>;

/** What the customer client reports about its computer; the broker adds the public IP it sees. */
export const CustomerInfo = z
  .object({
    name: plainText(100).optional(),
    computerName: plainText(255).optional(),
    os: plainText(100).optional(),
    privateIp: plainText(64).optional(),
    userName: plainText(100).optional(),
  })
  .strict();
export type CustomerInfo = z.infer<typeof CustomerInfo>;

/** How a customer joins: a session key, a rep from the list, the Connect button, a portal ticket, or a resume. */
export const JoinRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('key'), key: z.string().min(1).max(32) }),
  z.object({ kind: z.literal('rep'), rep: z.string().min(1).max(64) }),
  z.object({ kind: z.literal('connect') }),
  z.object({ kind: z.literal('ticket'), ticket: z.string().min(1).max(128) }),
  z.object({ kind: z.literal('resume'), lsid: Lsid, resumeToken: z.string().min(1).max(128), lastSeq: z.number().int().min(0) }),
]);
export type JoinRequest = z.infer<typeof JoinRequest>;

export const Actor = z.object({
  kind: z.enum(['customer', 'rep', 'system']),
  userId: z.number().int().optional(),
  name: z.string(),
});
export type Actor = z.infer<typeof Actor>;

/** Events the customer's client reports for what a rep did with a tool on its machine (files, shell). */
const toolEventBodies = [
  FileTransferEvent,
  FileOperationEvent,
  ShellOpenedEvent,
  ShellTranscriptEvent,
  ShellClosedEvent,
  ScreenViewStartedEvent,
  ScreenViewStoppedEvent,
  ScreenMonitorSwitchedEvent,
  AnnotationsShownEvent,
  AnnotationsClearedEvent,
  ControlStartedEvent,
  ControlStoppedEvent,
] as const;
export const ToolEventBody = z.discriminatedUnion('kind', [...toolEventBodies]);
export type ToolEventBody = z.infer<typeof ToolEventBody>;
/** The permission a tool event belongs to: it is logged only for a channel opened with it. */
export function toolEventPermission(body: ToolEventBody): 'file_transfer' | 'shell' | 'screen_view' | 'screen_control' | 'annotations' {
  switch (body.kind) {
    case 'annotations_shown':
    case 'annotations_cleared':
      return 'annotations';
    case 'file_transfer':
    case 'file_operation':
      return 'file_transfer';
    case 'screen_view_started':
    case 'screen_view_stopped':
    case 'screen_monitor_switched':
      return 'screen_view';
    case 'control_started':
    case 'control_stopped':
      return 'screen_control';
    default:
      return 'shell';
  }
}

export const SessionEventBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('session_started'), method: StartMethod, queue: Queue, clientKind: CustomerClientKind }),
  z.object({ kind: z.literal('rep_joined'), userId: z.number().int(), name: z.string() }),
  z.object({ kind: z.literal('rep_left'), userId: z.number().int(), name: z.string() }),
  z.object({ kind: z.literal('rep_invited'), userId: z.number().int(), name: z.string() }),
  z.object({ kind: z.literal('transferred'), fromUserId: z.number().int(), toUserId: z.number().int(), toName: z.string() }),
  /** `repsOnly`: between the reps in the session (CON-3); never sent to the customer. */
  z.object({ kind: z.literal('chat'), text: z.string(), repsOnly: z.boolean().optional() }),
  z.object({
    kind: z.literal('permission_requested'),
    requestId: z.string(),
    permission: SessionPermission,
    /** USR-13: the rep's prompt setting is "never": the grant follows; the customer is not asked. */
    byPolicy: z.literal(true).optional(),
  }),
  z.object({ kind: z.literal('permission_granted'), requestId: z.string(), permission: SessionPermission, by: z.enum(['customer', 'policy']) }),
  z.object({ kind: z.literal('permission_denied'), requestId: z.string(), permission: SessionPermission }),
  z.object({ kind: z.literal('permission_revoked'), permission: SessionPermission }),
  z.object({ kind: z.literal('customer_disconnected') }),
  z.object({ kind: z.literal('customer_reconnected') }),
  z.object({ kind: z.literal('full_client_offered'), command: z.string() }),
  z.object({ kind: z.literal('client_changed'), clientKind: CustomerClientKind }),
  z.object({ kind: z.literal('requeued'), queue: Queue, reason: z.string() }),
  z.object({ kind: z.literal('session_ended'), reason: z.string() }),
  /** JMP-10: a rep asked the customer client to install a Jump Client on this computer… */
  z.object({ kind: z.literal('jump_client_attach_requested'), jumpGroup: z.string() }),
  /** …and it registered (or the customer client could not install it); later it may be detached. */
  z.object({ kind: z.literal('jump_client_attached'), clientId: z.string(), hostName: z.string() }),
  z.object({ kind: z.literal('jump_client_attach_failed'), message: z.string() }),
  z.object({ kind: z.literal('jump_client_detached'), clientId: z.string() }),
  /** CON-8: what came of an elevation the customer granted (reported by the customer's client). */
  z.object({ kind: z.literal('elevation'), result: ElevationResult, method: ElevationMethod.optional(), error: ElevationError.optional() }),
  ...toolEventBodies,
]);
export type SessionEventBody = z.infer<typeof SessionEventBody>;
export type SessionEventKind = SessionEventBody['kind'];

/** One entry of a session's log: numbered from 1 per session, written to the store before anyone sees it. */
export const SessionEvent = z.object({
  seq: z.number().int().positive(),
  at: z.string(),
  actor: Actor,
  body: SessionEventBody,
});
export type SessionEvent = z.infer<typeof SessionEvent>;

/** Whether the customer may see an event (rep-only chat is for the reps). */
export function customerSees(body: SessionEventBody): boolean {
  return !(body.kind === 'chat' && body.repsOnly === true);
}

export const SessionCustomerView = z.object({
  name: z.string(),
  computerName: z.string(),
  os: z.string(),
  privateIp: z.string(),
  publicIp: z.string(),
  userName: z.string(),
});

/** A session as the rep console's queue and session panel show it. */
export const SessionSummary = z.object({
  lsid: z.string(),
  sequenceNumber: z.number().int(),
  state: SessionState,
  method: StartMethod,
  queue: Queue,
  ownerUserId: z.number().int().nullable(),
  participants: z.array(z.object({ userId: z.number().int(), name: z.string() })),
  invited: z.array(z.number().int()),
  customer: SessionCustomerView,
  clientKind: CustomerClientKind,
  /** The tools the customer's client said it has (none for the web chat). */
  capabilities: z.array(ClientTool),
  customerConnected: z.boolean(),
  grants: z.array(SessionPermission),
  /** CON-8: the customer's client runs its shell and file tools with administrator rights now. */
  elevated: z.boolean().default(false),
  /** Live channels open now (src/protocol/channels.ts). */
  channels: z.array(ChannelView).default([]),
  createdAt: z.string(),
  acceptedAt: z.string().nullable(),
  lastSeq: z.number().int(),
});
export type SessionSummary = z.infer<typeof SessionSummary>;

// ---- customer channel (/ws/customer) ----

export const CustomerClientMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    protocol: z.number().int(),
    client: CustomerClientKind,
    join: JoinRequest,
    customer: CustomerInfo.default({}),
    /** The tools this client has (channel kinds it handles); older clients send none. */
    capabilities: z.array(ClientTool).max(16).default([]),
  }).strict(),
  z.object({ type: z.literal('chat'), cid: ClientSeq, text: plainText(MAX_CHAT_CHARS).pipe(z.string().trim().min(1)) }).strict(),
  z.object({ type: z.literal('typing'), typing: z.boolean() }).strict(),
  z.object({ type: z.literal('consent'), cid: ClientSeq, requestId: z.string().min(1).max(64), granted: z.boolean(), auto: z.boolean().optional() }).strict(),
  z.object({ type: z.literal('revoke'), cid: ClientSeq, permission: SessionPermission }).strict(),
  /** CON-8: the outcome of elevating after the customer granted it (never carries the password). */
  z.object({ type: z.literal('elevation'), cid: ClientSeq, result: ElevationResult, method: ElevationMethod.optional(), error: ElevationError.optional() }).strict(),
  z.object({ type: z.literal('end'), cid: ClientSeq }).strict(),
  z.object({ type: z.literal('ping'), t: z.number() }).strict(),
  /** What a rep did with a tool on this machine (a transfer, a file operation, the shell), for the session log. */
  z.object({ type: z.literal('tool_event'), cid: ClientSeq, channelId: z.number().int().min(0), body: ToolEventBody }).strict(),
  /** JMP-10: the Jump Client the rep asked for could not be installed here (why, for the session log). */
  z.object({ type: z.literal('jump_attach_failed'), cid: ClientSeq, message: plainText(300) }).strict(),
]);
export type CustomerClientMessage = z.infer<typeof CustomerClientMessage>;

export const CustomerWelcome = z.object({
  type: z.literal('welcome'),
  protocol: z.number().int(),
  lsid: z.string(),
  sequenceNumber: z.number().int(),
  resumeToken: z.string(),
  resumeWithinSeconds: z.number().int(),
  /** Whether this site lets the customer client approve prompts by itself (`--yes`). */
  autoApproveAllowed: z.boolean(),
  /** The last sender number the broker took from this customer (a resumed client resends what follows). */
  lastCid: z.number().int(),
  resumed: z.boolean(),
  /** POR-6: the chat banner to show (a site path), the one the session started with. */
  chatBanner: z.string().optional(),
  /** REP-5: this session is recorded (the customer must be told). */
  recorded: z.boolean().optional(),
});
export type CustomerWelcome = z.infer<typeof CustomerWelcome>;

export const CustomerServerMessage = z.discriminatedUnion('type', [
  CustomerWelcome,
  z.object({ type: z.literal('event'), lsid: z.string(), event: SessionEvent }),
  z.object({ type: z.literal('ack'), cid: z.number().int(), seq: z.number().int(), duplicate: z.boolean().optional() }),
  z.object({ type: z.literal('typing'), name: z.string(), typing: z.boolean() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string(), cid: z.number().int().optional() }),
  z.object({ type: z.literal('pong'), t: z.number() }),
  /** A rep opened a live channel with what the customer granted (or it is still open after a resume); it ends with a CLOSE frame. */
  ChannelOpenedMessage,
  /** JMP-10: install a Jump Client on this computer with this one-install deployment key. */
  z.object({ type: z.literal('jump.attach'), keyInfo: z.string().max(200), jumpGroup: z.string().max(80) }),
]);
export type CustomerServerMessage = z.infer<typeof CustomerServerMessage>;

// ---- session messages on the rep console channel (/ws/rep) ----

export const RepSessionClientMessages = [
  z.object({ type: z.literal('queue.get'), ref: Ref }).strict(),
  z.object({ type: z.literal('session.accept'), ref: Ref, lsid: Lsid }).strict(),
  z.object({ type: z.literal('session.transfer'), ref: Ref, lsid: Lsid, toUserId: z.number().int().positive() }).strict(),
  z.object({ type: z.literal('session.invite'), ref: Ref, lsid: Lsid, userId: z.number().int().positive() }).strict(),
  z.object({ type: z.literal('session.join'), ref: Ref, lsid: Lsid }).strict(),
  z.object({ type: z.literal('session.leave'), ref: Ref, lsid: Lsid }).strict(),
  z.object({ type: z.literal('session.end'), ref: Ref, lsid: Lsid }).strict(),
  z.object({
    type: z.literal('session.chat'),
    ref: Ref,
    lsid: Lsid,
    cid: ClientSeq,
    text: plainText(MAX_CHAT_CHARS).pipe(z.string().trim().min(1)),
    repsOnly: z.boolean().optional(),
  }).strict(),
  z.object({ type: z.literal('session.typing'), lsid: Lsid, typing: z.boolean() }).strict(),
  z.object({ type: z.literal('session.request_permission'), ref: Ref, lsid: Lsid, permission: SessionPermission }).strict(),
  z.object({ type: z.literal('session.offer_full_client'), ref: Ref, lsid: Lsid }).strict(),
  /** Opens a live channel (src/protocol/channels.ts); refused unless the customer granted its kind's permission. */
  z.object({ type: z.literal('session.open_channel'), ref: Ref, lsid: Lsid, kind: SessionChannelKind, meta: ChannelMeta.default({}) }).strict(),
  /** After the console reconnected: take back its end of a channel still open, with the token it got. */
  z.object({ type: z.literal('session.attach_channel'), ref: Ref, lsid: Lsid, channelId: z.number().int().positive(), token: z.string().min(8).max(64) }).strict(),
  /** After a reconnect: every event after `afterSeq`, so nothing is lost or seen twice. */
  z.object({ type: z.literal('session.history'), ref: Ref, lsid: Lsid, afterSeq: z.number().int().min(0) }).strict(),
] as const;

export const RepSessionClientMessage = z.discriminatedUnion('type', [...RepSessionClientMessages]);
export type RepSessionClientMessage = z.infer<typeof RepSessionClientMessage>;

export const RepSessionServerMessages = [
  z.object({ type: z.literal('queue.snapshot'), sessions: z.array(SessionSummary), ref: z.string().optional() }),
  z.object({ type: z.literal('session.updated'), session: SessionSummary, isNew: z.boolean() }),
  z.object({ type: z.literal('session.removed'), lsid: z.string(), reason: z.string() }),
  z.object({ type: z.literal('session.event'), lsid: z.string(), event: SessionEvent }),
  /** At most HISTORY_PAGE events; `more` says to ask again after the last one. */
  /** `lastCid`: the caller's last message number in this session, so a reloaded console numbers on from it. */
  z.object({ type: z.literal('session.events'), ref: z.string(), lsid: z.string(), events: z.array(SessionEvent), more: z.boolean(), lastCid: z.number().int() }),
  z.object({ type: z.literal('session.typing'), lsid: z.string(), name: z.string(), typing: z.boolean() }),
  /** To the rep who issued it: a customer used this session key, which no longer works (POR-3). */
  z.object({ type: z.literal('session.key_used'), key: z.string() }),
  z.object({
    type: z.literal('reply'),
    ref: z.string(),
    seq: z.number().int().optional(),
    channelId: z.number().int().optional(),
    window: z.number().int().optional(),
    /** open_channel: what re-attaches this console's end after a reconnect. */
    token: z.string().optional(),
    kind: ChannelKind.optional(),
    meta: ChannelMeta.optional(),
    duplicate: z.boolean().optional(),
  }),
] as const;

// ---- REST ----

export const SessionKeyView = z.object({
  /** Digits grouped by three, to read aloud; customers may type it with or without spaces. */
  key: z.string(),
  expiresAt: z.string(),
});
export type SessionKeyView = z.infer<typeof SessionKeyView>;

export const CreateSessionKeyBody = z
  .object({ validMinutes: z.number().int().min(1).max(24 * 60).optional() })
  .strict();

export const PortalSettings = z.object({
  showRepList: z.boolean(),
  showSessionKeyForm: z.boolean(),
  showConnectButton: z.boolean(),
  /** POR-2: the portal lists the presentations their presenters chose to list (joining by key works either way). */
  showPresentationList: z.boolean(),
  /** POR-5: sessions begin as a web chat in the customer's browser. */
  clickToChat: z.boolean(),
  /** Whether a customer client may approve prompts by itself (`--yes`). Off by default. */
  allowCustomerAutoApprove: z.boolean(),
  sessionKeyMinutes: z.number().int(),
});
export type PortalSettings = z.infer<typeof PortalSettings>;

export const UpdatePortalSettingsBody = z
  .object({
    showRepList: z.boolean().optional(),
    showSessionKeyForm: z.boolean().optional(),
    showConnectButton: z.boolean().optional(),
    showPresentationList: z.boolean().optional(),
    clickToChat: z.boolean().optional(),
    allowCustomerAutoApprove: z.boolean().optional(),
    sessionKeyMinutes: z.number().int().min(1).max(24 * 60).optional(),
  })
  .strict();
export type UpdatePortalSettingsBody = z.infer<typeof UpdatePortalSettingsBody>;

export const PortalRep = z.object({ id: z.number().int(), displayName: z.string(), displayNumber: z.number().int() });

/** What the public portal page shows (POR-1, POR-3, POR-4, POR-5). */
export const PortalView = z.object({
  showRepList: z.boolean(),
  showSessionKeyForm: z.boolean(),
  showConnectButton: z.boolean(),
  showPresentationList: z.boolean(),
  clickToChat: z.boolean(),
  reps: z.array(PortalRep),
});
export type PortalView = z.infer<typeof PortalView>;

export const StartPortalSessionBody = z.discriminatedUnion('method', [
  z.object({ method: z.literal('session_key'), key: z.string().min(1).max(32), customerName: plainText(100).optional() }).strict(),
  z.object({ method: z.literal('rep_list'), repId: z.number().int().positive(), customerName: plainText(100).optional() }).strict(),
  z.object({ method: z.literal('connect'), customerName: plainText(100).optional() }).strict(),
]);
export type StartPortalSessionBody = z.infer<typeof StartPortalSessionBody>;

/** A portal start: a one-time ticket the web chat or the customer client presents to join. */
export const PortalTicket = z.object({
  ticket: z.string(),
  expiresAt: z.string(),
  mode: CustomerClientKind,
  /** The command that runs the customer client for this ticket. */
  command: z.string(),
});
export type PortalTicket = z.infer<typeof PortalTicket>;

/**
 * POR-5, moving from web chat to the full client: the web chat proves it holds the session's
 * resume token and gets a short-lived download ticket, so the downloaded client resumes this same
 * session. The token never goes into a URL, and reps never see it.
 */
export const ClientDownloadBody = z.object({ lsid: Lsid, resumeToken: z.string().min(1).max(128) }).strict();
export type ClientDownloadBody = z.infer<typeof ClientDownloadBody>;
export const ClientDownloadTicket = z.object({
  /** For `/download/customer/{platform}?ticket=…`. */
  ticket: z.string(),
  expiresAt: z.string(),
});
export type ClientDownloadTicket = z.infer<typeof ClientDownloadTicket>;

export const SessionList = z.object({ sessions: z.array(SessionSummary) });
export const SessionEventList = z.object({ lsid: z.string(), sequenceNumber: z.number().int(), events: z.array(SessionEvent) });
export const LsidParams = z.object({ lsid: Lsid }).strict();

/** WebSocket close codes of the customer channel. */
export const CustomerClose = {
  ended: 4000,
  refused: 4003,
  superseded: 4009,
  protocol: 4002,
} as const;

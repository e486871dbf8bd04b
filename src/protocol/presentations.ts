// Presentations (CON-9, POR-2, REP-6): a rep shows their screen to many attendees who join from
// the portal by a key or from its list, chat, and come and go. The presenter's socket
// (`/ws/presenter`) and each attendee's (`/ws/attendee`) speak these messages; the video is one
// `presentation` live channel (src/protocol/channels.ts), fanned out newest-wins by the broker.
import { z } from 'zod';
import { ReportDay, MAX_REPORT_DAYS } from './reports.ts';
import { plainText } from './text.ts';

export const PRESENTATION_KEY_DIGITS = 9;
export const MAX_PRESENTATION_CHAT_CHARS = 1000;

/** The key attendees type: digits; spaces, dots and dashes between groups are ignored. */
export const PresentationKeyInput = z
  .string()
  .max(32, { message: 'at most 32 characters' })
  .transform((s) => s.replace(/[\s.-]/g, ''))
  .pipe(z.string().regex(new RegExp(`^\\d{${PRESENTATION_KEY_DIGITS}}$`), { message: `a presentation key of ${PRESENTATION_KEY_DIGITS} digits` }));

export const PresentationId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, { message: 'a presentation id' });
export const PresentationName = plainText(120).pipe(z.string().trim().min(1, { message: 'required' }));
export const AttendeeName = plainText(64).pipe(z.string().trim().min(1, { message: 'required' }));
export const PresentationChatText = plainText(MAX_PRESENTATION_CHAT_CHARS).pipe(z.string().trim().min(1, { message: 'empty' }));
const IpText = plainText(64).pipe(z.string().regex(/^[0-9A-Fa-f:.]{2,45}$/, { message: 'an IP address' }));

/** How the presenter's console encodes the screen (WebCodecs codec string, size); attendees configure their decoder from it. */
export const VideoFormat = z
  .object({
    codec: z.string().regex(/^(avc1|vp09|vp8|av01)[A-Za-z0-9.]*$/, { message: 'a WebCodecs codec string (avc1…, vp09…, vp8, av01…)' }).max(64),
    width: z.number().int().min(16).max(8192),
    height: z.number().int().min(16).max(8192),
  })
  .strict();
export type VideoFormat = z.infer<typeof VideoFormat>;

export const AttendeeView = z.object({
  attendeeId: z.string(),
  name: z.string(),
  address: z.string(),
  joinedAt: z.string(),
});
export type AttendeeView = z.infer<typeof AttendeeView>;

export const PresentationChatLine = z.object({
  at: z.string(),
  from: z.object({ kind: z.enum(['presenter', 'attendee']), name: z.string(), attendeeId: z.string().optional() }),
  text: z.string(),
});
export type PresentationChatLine = z.infer<typeof PresentationChatLine>;

export const PresentationState = z.enum(['live', 'paused', 'presenter_away', 'ended']);
export type PresentationState = z.infer<typeof PresentationState>;

// ---- presenter socket (/ws/presenter) ----

export const PresenterClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping'), t: z.number() }).strict(),
  z
    .object({
      type: z.literal('start'),
      name: PresentationName,
      /** POR-2: shown in the portal's presentation list. */
      listed: z.boolean(),
      format: VideoFormat,
      /** The presenter's own address on their network, when the console knows it (desktop). */
      privateIp: IpText.optional(),
    })
    .strict(),
  /** After the presenter's connection dropped: take the running presentation back. */
  z.object({ type: z.literal('resume'), presentationId: PresentationId, token: z.string().min(16).max(64) }).strict(),
  z.object({ type: z.literal('format'), format: VideoFormat }).strict(),
  z.object({ type: z.literal('remove'), attendeeId: z.string().min(1).max(64) }).strict(),
  z.object({ type: z.literal('pause'), paused: z.boolean() }).strict(),
  z.object({ type: z.literal('chat'), text: PresentationChatText }).strict(),
  z.object({ type: z.literal('end') }).strict(),
]);
export type PresenterClientMessage = z.infer<typeof PresenterClientMessage>;

export const PresentationInfo = z.object({
  presentationId: z.string(),
  key: z.string(),
  name: z.string(),
  listed: z.boolean(),
  startedAt: z.string(),
  state: PresentationState,
});
export type PresentationInfo = z.infer<typeof PresentationInfo>;

export const PresenterServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pong'), t: z.number() }),
  /** Started or resumed: the video goes on channel `channelId`; `token` resumes after a drop. */
  z.object({ type: z.literal('started'), presentation: PresentationInfo, channelId: z.number().int(), token: z.string(), resumed: z.boolean(), attendees: z.array(AttendeeView), resumeWithinSeconds: z.number().int() }),
  z.object({ type: z.literal('attendee.joined'), attendee: AttendeeView, count: z.number().int() }),
  z.object({ type: z.literal('attendee.left'), attendeeId: z.string(), name: z.string(), reason: z.enum(['left', 'removed', 'connection_lost']), count: z.number().int() }),
  z.object({ type: z.literal('chat'), line: PresentationChatLine }),
  z.object({ type: z.literal('state'), state: PresentationState }),
  z.object({ type: z.literal('ended'), reason: z.string() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type PresenterServerMessage = z.infer<typeof PresenterServerMessage>;

// ---- attendee socket (/ws/attendee) ----

export const AttendeeClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping'), t: z.number() }).strict(),
  /** By the key the presenter gave, or (POR-2) by the id of a listed presentation. */
  z.object({ type: z.literal('join'), key: PresentationKeyInput.optional(), presentationId: PresentationId.optional(), name: AttendeeName }).strict(),
  z.object({ type: z.literal('chat'), text: PresentationChatText }).strict(),
  z.object({ type: z.literal('leave') }).strict(),
]);
export type AttendeeClientMessage = z.infer<typeof AttendeeClientMessage>;

export const AttendeeServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pong'), t: z.number() }),
  z.object({
    type: z.literal('joined'),
    attendeeId: z.string(),
    presentation: z.object({ presentationId: z.string(), name: z.string(), presenterName: z.string(), state: PresentationState }),
    channelId: z.number().int(),
    format: VideoFormat,
    /** POR-7: the attendees' chat banner as it was when the presentation started. */
    bannerUrl: z.string(),
    chat: z.array(PresentationChatLine),
  }),
  z.object({ type: z.literal('format'), format: VideoFormat }),
  z.object({ type: z.literal('chat'), line: PresentationChatLine }),
  z.object({ type: z.literal('state'), state: PresentationState }),
  /** The presenter removed this attendee, or the presentation ended: the socket closes after it. */
  z.object({ type: z.literal('removed') }),
  z.object({ type: z.literal('ended'), reason: z.string() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type AttendeeServerMessage = z.infer<typeof AttendeeServerMessage>;

export const MAX_PRESENTATION_CONTROL_BYTES = 8 * 1024;

// ---- the portal's list (POR-2) ----

export const ListedPresentation = z.object({ presentationId: z.string(), name: z.string(), presenterName: z.string(), startedAt: z.string(), attendees: z.number().int() });
export const ListedPresentations = z.object({ presentations: z.array(ListedPresentation) });
export type ListedPresentations = z.infer<typeof ListedPresentations>;

// ---- reports (REP-6) ----

const Digits = (max: number, what: string) =>
  z
    .string()
    .regex(/^\d{1,16}$/, { message: `${what}: digits only` })
    .transform(Number)
    .pipe(z.number().int().min(1, { message: `${what} out of range` }).max(max, { message: `${what} out of range` }));

/** REP-6: the period (start date plus days, or an end date), one page. */
export const PresentationReportQuery = z
  .object({
    from: ReportDay.optional(),
    days: Digits(MAX_REPORT_DAYS, 'number of days').optional(),
    to: ReportDay.optional(),
    page: Digits(1_000_000, 'page').optional(),
  })
  .strict();
export type PresentationReportQuery = z.infer<typeof PresentationReportQuery>;
export type PresentationReportQueryInput = z.input<typeof PresentationReportQuery>;

export const PresentationReportRow = z.object({
  presentationId: z.string(),
  name: z.string(),
  presenter: z.object({ userId: z.number().int(), name: z.string() }),
  listed: z.boolean(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  durationSeconds: z.number().int(),
  attendeeCount: z.number().int(),
  endReason: z.string().nullable(),
});
export type PresentationReportRow = z.infer<typeof PresentationReportRow>;

export const PresentationReportList = z.object({
  presentations: z.array(PresentationReportRow),
  page: z.number().int(),
  pageSize: z.number().int(),
  hasMore: z.boolean(),
  timeZone: z.string(),
});
export type PresentationReportList = z.infer<typeof PresentationReportList>;

export const PresentationEventKind = z.enum(['started', 'joined', 'left', 'removed', 'paused', 'resumed', 'presenter_away', 'presenter_back', 'chat', 'ended']);
export type PresentationEventKind = z.infer<typeof PresentationEventKind>;

export const PresentationEvent = z.object({
  seq: z.number().int(),
  at: z.string(),
  kind: PresentationEventKind,
  /** Attendee events: who. Presenter events: the presenter's name. */
  actor: z.object({ kind: z.enum(['presenter', 'attendee', 'system']), name: z.string(), attendeeId: z.string().nullable(), address: z.string().nullable() }),
  text: z.string().nullable(),
  reason: z.string().nullable(),
});
export type PresentationEvent = z.infer<typeof PresentationEvent>;

export const PresentationAttendeeEntry = z.object({
  attendeeId: z.string(),
  name: z.string(),
  address: z.string(),
  joinedAt: z.string(),
  leftAt: z.string().nullable(),
  leaveReason: z.string().nullable(),
});
export type PresentationAttendeeEntry = z.infer<typeof PresentationAttendeeEntry>;

/** REP-6 detail: presenter, both addresses, start and end, attendees with join/leave times, every event. */
export const PresentationReport = z.object({
  presentation: PresentationReportRow.extend({ publicIp: z.string(), privateIp: z.string() }),
  attendees: z.array(PresentationAttendeeEntry),
  events: z.array(PresentationEvent),
  timeZone: z.string(),
});
export type PresentationReport = z.infer<typeof PresentationReport>;

export const PresentationIdParams = z.object({ presentationId: PresentationId }).strict();

/** WebSocket close codes of the presenter and attendee sockets. */
export const PresentationClose = { ended: 4200, removed: 4201, refused: 4202, protocol: 4203, replaced: 4204 } as const;

// What travels inside the 'input', 'clipboard' and 'annotation' channels (CON-4, CON-5): one JSON
// message per channel message, UTF-8, validated on receipt. Coordinates are X root coordinates
// (screen.ts); keys are X keysyms (keysyms.ts), so the customer's layout never matters.
import { z } from 'zod';
import { MAX_SCREEN_DIMENSION } from './screen.ts';
import { KEY_COMBINATIONS, type KeyCombination } from './keysyms.ts';

const Coord = z.number().int().min(-MAX_SCREEN_DIMENSION).max(MAX_SCREEN_DIMENSION);

/** Mouse buttons as X numbers them: 1 left, 2 middle, 3 right, 8 back, 9 forward (4–7 are the wheel). */
export const MouseButton = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(8), z.literal(9)]);
export const MAX_INPUT_TEXT_CHARS = 256;
/** Wheel notches in one message; more is clamped by the sender and refused by the agent. */
export const MAX_WHEEL_STEPS = 20;

const combos = Object.keys(KEY_COMBINATIONS) as [KeyCombination, ...KeyCombination[]];

/** Largest message on the input channel (the channel kind refuses more too). */
export const MAX_INPUT_MESSAGE_BYTES = 4096;
/** Largest message on the annotation channel. */
export const MAX_ANNOTATION_MESSAGE_BYTES = 64 * 1024;
/** Input events per second an agent takes from a rep (burst twice that); beyond, they are dropped. */
export const INPUT_EVENTS_PER_SECOND = 600;

export const InputMessage = z.discriminatedUnion('t', [
  z.object({ t: z.literal('move'), x: Coord, y: Coord }).strict(),
  z.object({ t: z.literal('button'), button: MouseButton, down: z.boolean(), x: Coord, y: Coord }).strict(),
  z
    .object({
      t: z.literal('wheel'),
      x: Coord,
      y: Coord,
      dx: z.number().int().min(-MAX_WHEEL_STEPS).max(MAX_WHEEL_STEPS),
      dy: z.number().int().min(-MAX_WHEEL_STEPS).max(MAX_WHEEL_STEPS),
    })
    .strict(),
  /** A key by keysym; modifiers are held until `down: false`, other keys are typed on `down`. */
  z.object({ t: z.literal('key'), keysym: z.number().int().min(0).max(0x1fffffff), down: z.boolean() }).strict(),
  /** Text the rep's browser produced without a key event (an input method, a paste of a few characters). */
  z.object({ t: z.literal('text'), text: z.string().min(1).max(MAX_INPUT_TEXT_CHARS) }).strict(),
  /** A combination from the menu (Ctrl+Alt+Del …): pressed in order, released in reverse. */
  z.object({ t: z.literal('combo'), combo: z.enum(combos) }).strict(),
  /** Lets go of every key and button the rep holds (the viewer lost focus). */
  z.object({ t: z.literal('release_all') }).strict(),
]);
export type InputMessage = z.infer<typeof InputMessage>;

/** Clipboard text either way, in UTF-8 bytes; a bigger clipboard is refused with `clipboard_too_large`. */
export const MAX_CLIPBOARD_BYTES = 1024 * 1024;

export const ClipboardMessage = z.discriminatedUnion('t', [
  /** The sender's clipboard now holds this text; the receiver puts it on its own clipboard. */
  // The schema bounds characters loosely; receivers check the UTF-8 size and answer clipboard_too_large.
  z.object({ t: z.literal('text'), text: z.string().max(4 * MAX_CLIPBOARD_BYTES) }).strict(),
  /** The receiver took `text` number `n` (counted per direction from 1), so a paste may follow. */
  z.object({ t: z.literal('ack'), n: z.number().int().positive() }).strict(),
  z.object({ t: z.literal('error'), code: z.enum(['clipboard_too_large', 'bad_message']), message: z.string().max(500) }).strict(),
]);
export type ClipboardMessage = z.infer<typeof ClipboardMessage>;

export const AnnotationTool = z.enum(['pen', 'highlighter', 'arrow', 'rectangle', 'text']);
export type AnnotationTool = z.infer<typeof AnnotationTool>;
export const MAX_STROKE_POINTS = 2000;
export const MAX_STROKES = 500;
export const MAX_ANNOTATION_TEXT_CHARS = 200;
export const ANNOTATION_WIDTHS = { min: 1, max: 64 } as const;

export const AnnotationStroke = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
    tool: AnnotationTool,
    color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
    width: z.number().int().min(ANNOTATION_WIDTHS.min).max(ANNOTATION_WIDTHS.max),
    /** Freehand: every point; arrow and rectangle: [start, end]; text: [anchor]. */
    points: z.array(z.tuple([Coord, Coord])).min(1).max(MAX_STROKE_POINTS),
    text: z.string().min(1).max(MAX_ANNOTATION_TEXT_CHARS).optional(),
  })
  .strict()
  .refine((s) => (s.tool === 'text') === (s.text !== undefined), { message: 'text strokes, and only they, carry text' })
  .refine((s) => !(s.tool === 'arrow' || s.tool === 'rectangle') || s.points.length === 2, { message: 'arrows and rectangles have two points' });
export type AnnotationStroke = z.infer<typeof AnnotationStroke>;

export const AnnotationMessage = z.discriminatedUnion('t', [
  /** Adds a stroke, or replaces the one with the same id (a stroke grows while it is drawn). */
  z.object({ t: z.literal('stroke'), stroke: AnnotationStroke }).strict(),
  z.object({ t: z.literal('erase'), ids: z.array(z.string().max(32)).min(1).max(MAX_STROKES) }).strict(),
  z.object({ t: z.literal('clear') }).strict(),
]);
export type AnnotationMessage = z.infer<typeof AnnotationMessage>;

/** Session events the customer's annotation tool reports (issue 13 item 7): strokes appeared on an empty screen … */
export const AnnotationsShownEvent = z.object({ kind: z.literal('annotations_shown') }).strict();
/** … and the screen is clean again: the rep cleared it, the permission was revoked, the session ended, the rep left. */
export const AnnotationsClearedEvent = z.object({ kind: z.literal('annotations_cleared'), reason: z.string().max(64) }).strict();
/** Session-log events of remote control (reported by the agent's input tool as tool events, item 7). */
export const ControlStartedEvent = z.object({ kind: z.literal('control_started') });
export const ControlStoppedEvent = z.object({ kind: z.literal('control_stopped'), reason: z.string().max(64) });

export class ChannelMessageError extends Error {
  constructor(
    readonly code: 'message_too_large' | 'bad_message',
    message: string,
  ) {
    super(message);
    this.name = 'ChannelMessageError';
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeChannelJson(message: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(message));
}

/** Parses one channel message; throws ChannelMessageError (never anything else). */
export function decodeChannelJson<T>(schema: z.ZodType<T>, bytes: Uint8Array, maxBytes: number): T {
  if (bytes.length > maxBytes) throw new ChannelMessageError('message_too_large', `message of ${bytes.length} bytes, at most ${maxBytes}`);
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    throw new ChannelMessageError('bad_message', 'not UTF-8 JSON');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ChannelMessageError('bad_message', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ').slice(0, 300));
  return parsed.data;
}

export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

/** perfect-freehand options per freehand tool, shared by the rep's preview and the customer's overlay. */
export function freehandOptions(tool: 'pen' | 'highlighter', width: number): { size: number; thinning: number; smoothing: number; streamline: number; simulatePressure: boolean } {
  return tool === 'pen'
    ? { size: width * 2, thinning: 0.5, smoothing: 0.5, streamline: 0.4, simulatePressure: true }
    : { size: width * 5, thinning: 0, smoothing: 0.5, streamline: 0.4, simulatePressure: false };
}

/** Text height in screen pixels for a text annotation of a given width setting. */
export function annotationTextScale(width: number): number {
  return Math.max(1, Math.min(8, Math.ceil(width / 2)));
}

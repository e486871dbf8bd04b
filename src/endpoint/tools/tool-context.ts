// What a tool handler gets besides its channel: where files live, and how to put what it did in
// the session log (the customer client sends these as `tool_event`s; the broker writes them).
import type { ToolChannel } from '../../protocol/tool-channel.ts';
import type { SessionPermission, ToolEventBody } from '../../protocol/sessions.ts';

export interface ToolContext {
  /** The directory the rep's file browser is confined to (the customer's home by default). */
  filesRoot: string;
  report(event: ToolEventBody): void;
  /** Called with what a handler saw go wrong that the rep is told about too. */
  warn?(message: string): void;
  /** The X display the screen tools work on (DISPLAY by default). */
  display?: string;
  /**
   * Whether the customer grants a permission right now. The customer client flips it the moment
   * the customer takes control back, before the broker has closed the channel.
   */
  granted?(permission: SessionPermission): boolean;
  /** Structured log line for what a handler refused (bad input, floods). */
  log?(level: 'info' | 'warn', obj: object, msg: string): void;
}

export type ToolHandler = (ch: ToolChannel, ctx: ToolContext) => Promise<void>;

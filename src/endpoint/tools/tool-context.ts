// What a tool handler gets besides its channel: where files live, and how to put what it did in
// the session log (the customer client sends these as `tool_event`s; the broker writes them).
import type { ToolChannel } from '../../protocol/tool-channel.ts';
import type { ToolEventBody } from '../../protocol/sessions.ts';

export interface ToolContext {
  /** The directory the rep's file browser is confined to (the customer's home by default). */
  filesRoot: string;
  report(event: ToolEventBody): void;
  /** Called with what a handler saw go wrong that the rep is told about too. */
  warn?(message: string): void;
}

export type ToolHandler = (ch: ToolChannel, ctx: ToolContext) => Promise<void>;

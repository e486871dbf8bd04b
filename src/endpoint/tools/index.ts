// The tools the customer's machine offers: one handler per channel kind. The customer client
// calls the handler for each channel a rep opens, and advertises these kinds as its capabilities.
import type { Channel } from '../../protocol/channel-endpoint.ts';
import type { ChannelKind } from '../../protocol/channels.ts';
import { annotationHandler } from './annotation.ts';
import { clipboardHandler } from './clipboard.ts';
import { fileHandler } from './files.ts';
import { inputHandler } from './input.ts';
import { X11ScreenCapture } from '../platform/linux-x11/capture.ts';
import { createScreenHandler } from './screen.ts';
import { shellHandler } from './shell.ts';
import type { ToolContext, ToolHandler } from './tool-context.ts';

export type { ToolContext, ToolHandler } from './tool-context.ts';

export const toolHandlers: Partial<Record<string, ToolHandler>> = {
  file: fileHandler,
  shell: shellHandler,
  input: inputHandler,
  clipboard: clipboardHandler,
  annotation: annotationHandler,
  screen: createScreenHandler({
    openCapture: () =>
      X11ScreenCapture.open(process.env.DISPLAY ?? ':0', { warn: (o, m) => console.error(m, JSON.stringify(o)) }),
  }),
};

/** The channel kinds this client has a tool for: what its hello advertises. */
export function capabilities(): ChannelKind[] {
  return Object.keys(toolHandlers) as ChannelKind[];
}

/** Serves one channel with its kind's tool; a failure closes the channel with a reason, never the agent. */
export function serveChannel(ch: Channel, ctx: ToolContext): void {
  const tool = toolHandlers[ch.kind];
  if (!tool) {
    ch.abort('unsupported_kind');
    return;
  }
  tool(ch, ctx).then(
    () => ch.close(),
    (err: unknown) => {
      ctx.warn?.(`The ${ch.kind} tool stopped: ${err instanceof Error ? err.message : String(err)}`);
      ch.abort('tool_error');
    },
  );
}

// The tools the customer's machine offers: one handler per channel kind. The customer client
// calls the handler for each channel a rep opens, and advertises these kinds as its capabilities.
import type { Channel } from '../../protocol/channel-endpoint.ts';
import type { ScreenChannel } from './screen.ts';
import type { SessionChannelKind } from '../../protocol/channels.ts';
import type { ToolContext, ToolHandler } from './tool-context.ts';

export type { ToolContext, ToolHandler } from './tool-context.ts';

/**
 * Each tool's module is loaded when its first channel opens, not at start: the screen tool pulls
 * FFmpeg (node-av) and the shell node-pty, native modules the single-executable customer client
 * cannot load at start-up (node-av reads its own path from import.meta.url, absent in the bundle).
 */
function lazy(load: () => Promise<ToolHandler>): ToolHandler {
  let handler: Promise<ToolHandler> | null = null;
  return (ch, ctx) => (handler ??= load())
    .catch((err: unknown) => {
      handler = null;
      throw err;
    })
    .then((h) => h(ch, ctx));
}

export const toolHandlers: Partial<Record<string, ToolHandler>> = {
  file: lazy(async () => (await import('./files.ts')).fileHandler),
  shell: lazy(async () => (await import('./shell.ts')).shellHandler),
  input: lazy(async () => (await import('./input.ts')).inputHandler),
  clipboard: lazy(async () => (await import('./clipboard.ts')).clipboardHandler),
  annotation: lazy(async () => (await import('./annotation.ts')).annotationHandler),
  screen: lazy(async () => {
    const [{ createScreenHandler }, { X11ScreenCapture }] = await Promise.all([import('./screen.ts'), import('../platform/linux-x11/capture.ts')]);
    const screen = createScreenHandler({
      openCapture: () => X11ScreenCapture.open(process.env.DISPLAY ?? ':0', { warn: (o, m) => console.error(m, JSON.stringify(o)) }),
    });
    // Screen channels are latest (newest-wins) Channels; the handler checks for writeLatest itself.
    return (ch, ctx) => screen(ch as unknown as ScreenChannel, ctx);
  }),
};

/** The channel kinds this client has a tool for: what its hello advertises. */
export function capabilities(): SessionChannelKind[] {
  return Object.keys(toolHandlers) as SessionChannelKind[];
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

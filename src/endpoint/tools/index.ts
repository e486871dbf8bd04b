// The tools the customer's machine offers: one handler per channel kind. The customer client
// calls the handler for each channel a rep opens, and advertises these kinds as its capabilities.
import { fileHandler } from './files.ts';
import { X11ScreenCapture } from '../platform/linux-x11/capture.ts';
import { createScreenHandler } from './screen.ts';
import { shellHandler } from './shell.ts';
import type { ToolHandler } from './tool-context.ts';

export type { ToolContext, ToolHandler } from './tool-context.ts';

export const toolHandlers: Partial<Record<string, ToolHandler>> = {
  file: fileHandler,
  shell: shellHandler,
  screen: createScreenHandler({
    openCapture: () =>
      X11ScreenCapture.open(process.env.DISPLAY ?? ':0', { warn: (o, m) => console.error(m, JSON.stringify(o)) }),
  }),
};

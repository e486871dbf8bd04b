// The tools the customer's machine offers: one handler per channel kind. The customer client
// calls the handler for each channel a rep opens, and advertises these kinds as its capabilities.
import { fileHandler } from './files.ts';
import { shellHandler } from './shell.ts';
import type { ToolHandler } from './tool-context.ts';

export type { ToolContext, ToolHandler } from './tool-context.ts';

export const toolHandlers: Partial<Record<string, ToolHandler>> = {
  file: fileHandler,
  shell: shellHandler,
};

// Runs the customer side's file and shell tools against in-memory channels (unit tests), with a
// temporary file root and the session events they report.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileChannelMeta } from '../../src/protocol/files.ts';
import type { ToolEventBody } from '../../src/protocol/sessions.ts';
import type { ToolChannel } from '../../src/protocol/tool-channel.ts';
import { toolHandlers } from '../../src/endpoint/tools/index.ts';
import type { ToolContext } from '../../src/endpoint/tools/tool-context.ts';
import { toolChannelPair } from './tool-channel-pair.ts';

export interface ToolHarness {
  root: string;
  events: ToolEventBody[];
  ctx: ToolContext;
  /** Opens a channel of `kind` as a rep would; the agent's handler runs on the other end. */
  open(kind: 'file' | 'shell', meta: unknown, window?: number): Promise<ToolChannel & { written: number }>;
  openFile: (meta: FileChannelMeta) => Promise<ToolChannel>;
  handlers: Promise<void>[];
  /** The customer's ends of the channels opened so far. */
  agents: (ToolChannel & { written: number; waiting: number })[];
  cleanup(): Promise<void>;
}

export async function toolHarness(): Promise<ToolHarness> {
  const root = await mkdtemp(join(tmpdir(), 'passerelle-files-'));
  const events: ToolEventBody[] = [];
  const ctx: ToolContext = { filesRoot: root, report: (e) => events.push(e) };
  const handlers: Promise<void>[] = [];
  const agents: (ToolChannel & { written: number; waiting: number })[] = [];
  const open = async (kind: 'file' | 'shell', meta: unknown, window?: number) => {
    const { rep, agent } = toolChannelPair(kind, meta, window);
    agents.push(agent);
    handlers.push(toolHandlers[kind]!(agent, ctx));
    return rep;
  };
  return {
    root,
    events,
    ctx,
    open,
    openFile: (meta) => open('file', meta),
    handlers,
    agents,
    cleanup: async () => {
      await Promise.allSettled(handlers);
      await rm(root, { recursive: true, force: true });
    },
  };
}

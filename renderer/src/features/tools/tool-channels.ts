// How the session workspace reaches the customer's tools: live channels opened through
// console-core (`channels.open`, in this page for the web console). Where console-core runs
// elsewhere and hands no channels to the page, the tools say so instead of pretending.
import type { ToolChannel } from '../../../../src/protocol/tool-channel.ts';
import type { FileChannelMeta } from '../../../../src/protocol/files.ts';
import type { ShellChannelMeta } from '../../../../src/protocol/shell.ts';
import type { ScreenStreamChannel } from '../../../../src/console-core/screen/screen-session.ts';
import type { InputChannelLike } from '../../../../src/console-core/remote-control/remote-input.ts';
import type { ScreenChannelMeta } from '../../../../src/protocol/screen.ts';
import { consoleApi } from '../../console-api.ts';
import { desktopChannelOpener } from './desktop-channels.ts';

interface ChannelOpener {
  open(lsid: string, kind: 'file' | 'shell' | 'screen' | 'input', meta: Record<string, unknown>): Promise<ToolChannel & ScreenStreamChannel & InputChannelLike>;
}

function channels(): ChannelOpener | null {
  const c = (consoleApi as unknown as { channels?: ChannelOpener }).channels;
  if (c && typeof c.open === 'function') return c;
  // The desktop app: console-core is in Electron's main process and hands each channel over a MessagePort.
  return desktopChannelOpener();
}

export function fileOpener(lsid: string): ((meta: FileChannelMeta) => Promise<ToolChannel>) | null {
  const c = channels();
  return c ? (meta) => c.open(lsid, 'file', meta as Record<string, unknown>) : null;
}

export function shellOpener(lsid: string): ((meta: ShellChannelMeta) => Promise<ToolChannel>) | null {
  const c = channels();
  return c ? (meta) => c.open(lsid, 'shell', meta as Record<string, unknown>) : null;
}

export function screenOpener(lsid: string): ((meta: ScreenChannelMeta) => Promise<ScreenStreamChannel>) | null {
  const c = channels();
  return c ? (meta) => c.open(lsid, 'screen', meta as Record<string, unknown>) : null;
}

export function inputOpener(lsid: string): (() => Promise<InputChannelLike>) | null {
  const c = channels();
  return c ? () => c.open(lsid, 'input', {}) : null;
}

// Live channels for the desktop renderer (issue 7 item 5, issue 13 item 3): console-core runs here
// in main, so a channel the page opens (screen, input, files, shell) is served over its own
// MessagePort (src/console-core/channels/port-bridge.ts), never through the JSON IPC bridge.
// Electron's MessagePortMain takes only ports in its transfer list, so buffers are cloned once
// into the port (structured clone, no JSON); the renderer's side transfers what it sends.
import { ipcMain, MessageChannelMain, type MessagePortMain, type WebContents } from 'electron';
import type { ConsoleChannels } from '../src/console-core/channels/console-channels.ts';
import { exposeOnPort, type PortLike } from '../src/console-core/channels/port-bridge.ts';
import { ChannelMeta, SessionChannelKind } from '../src/protocol/channels.ts';
import { IPC } from './ipc-channels.ts';

/** MessagePortMain as the bridge's PortLike (event emitter → onmessage; no ArrayBuffer transfer list). */
function portLike(port: MessagePortMain): PortLike {
  const like: PortLike = {
    postMessage: (message) => port.postMessage(message),
    onmessage: null,
    close: () => port.close(),
    start: () => port.start(),
  };
  port.on('message', (e) => like.onmessage?.({ data: e.data }));
  return like;
}

/** Serves `channels.open` to pages from `trustedOrigin`: the reply is a port, posted to the page. */
export function serveChannelPorts(channels: ConsoleChannels, trustedOrigin: () => string): void {
  const trusted = (sender: WebContents) => {
    try {
      return new URL(sender.getURL()).origin === trustedOrigin();
    } catch {
      return false;
    }
  };
  ipcMain.handle(IPC.channelOpen, async (e, ref: unknown, lsid: unknown, kind: unknown, meta: unknown) => {
    if (!trusted(e.sender)) throw new Error('untrusted page');
    const k = SessionChannelKind.parse(kind);
    const m = ChannelMeta.parse(meta ?? {});
    if (typeof lsid !== 'string' || typeof ref !== 'string' || ref.length > 64) throw new Error('bad channel request');
    const ch = await channels.open(lsid, k, m);
    const { port1, port2 } = new MessageChannelMain();
    exposeOnPort(ch, portLike(port1));
    e.sender.postMessage(IPC.channelPort, { ref }, [port2]);
    const sender = e.sender;
    const gone = () => ch.close('closed_by_peer');
    sender.once('destroyed', gone);
    void ch.closed.then(() => sender.isDestroyed() || sender.removeListener('destroyed', gone));
    return { channelId: ch.id };
  });
}

// The one IPC bridge: preload asks for the service's shape once, then every call and event goes
// through these three channels (see src/console-core/ipc-forwarder.ts). No per-method channels.
import { ipcMain, type WebContents } from 'electron';
import { createDispatcher, type ForwardedCall } from '../src/console-core/ipc-forwarder.ts';
import { IPC } from './ipc-channels.ts';


/** Serves `service` to renderers whose page comes from `trustedOrigin` only. */
export function serveOverIpc(service: object, trustedOrigin: () => string): void {
  const dispatcher = createDispatcher(service);
  const subscriptions = new Map<string, () => void>();
  const trusted = (sender: WebContents) => {
    try {
      return new URL(sender.getURL()).origin === trustedOrigin();
    } catch {
      return false;
    }
  };

  ipcMain.on(IPC.shape, (e) => { e.returnValue = trusted(e.sender) ? dispatcher.shape() : {}; });
  ipcMain.handle(IPC.call, async (e, call: ForwardedCall) => {
    if (!trusted(e.sender)) throw new Error('untrusted page');
    return dispatcher.call(call);
  });
  ipcMain.handle(IPC.subscribe, (e, id: string, path: string[]) => {
    if (!trusted(e.sender)) throw new Error('untrusted page');
    const sender = e.sender;
    const key = `${sender.id}:${id}`;
    const stop = dispatcher.subscribe(path, (value) => { if (!sender.isDestroyed()) sender.send(IPC.event, id, value); });
    subscriptions.set(key, stop);
    sender.once('destroyed', () => { subscriptions.get(key)?.(); subscriptions.delete(key); });
  });
  ipcMain.handle(IPC.unsubscribe, (e, id: string) => {
    const key = `${e.sender.id}:${id}`;
    subscriptions.get(key)?.();
    subscriptions.delete(key);
  });
}

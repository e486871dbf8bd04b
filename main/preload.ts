// Preload: exposes `window.passerelle` (the typed ConsoleApi plus the desktop shell's calls),
// built from the shape main describes, over one generic forwarder.
import { contextBridge, ipcRenderer } from 'electron';
import { buildForwarder, type ServiceShape } from '../src/console-core/ipc-forwarder.ts';
import { IPC } from './ipc-channels.ts';


const listeners = new Map<string, (value: unknown) => void>();
let next = 0;
ipcRenderer.on(IPC.event, (_e, id: string, value: unknown) => listeners.get(id)?.(value));

const shape = ipcRenderer.sendSync(IPC.shape) as ServiceShape;
const api = buildForwarder<Record<string, unknown>>(shape, {
  call: (call) => ipcRenderer.invoke(IPC.call, call),
  subscribe(path, listener) {
    const id = `s${++next}`;
    listeners.set(id, listener);
    void ipcRenderer.invoke(IPC.subscribe, id, path);
    return () => {
      listeners.delete(id);
      void ipcRenderer.invoke(IPC.unsubscribe, id);
    };
  },
});

// Live channels: main answers an open with a MessagePort, handed on to the page by postMessage
// (ports cannot cross contextBridge); the page's `ref` names the port it waits for.
ipcRenderer.on(IPC.channelPort, (e, msg: { ref: string }) => window.postMessage({ passerelleChannelPort: msg.ref }, window.location.origin, e.ports));
const channelPorts = {
  open: (ref: string, lsid: string, kind: string, meta: Record<string, unknown>) => ipcRenderer.invoke(IPC.channelOpen, ref, lsid, kind, meta) as Promise<{ channelId: number }>,
};

contextBridge.exposeInMainWorld('passerelle', { ...api, channelPorts });

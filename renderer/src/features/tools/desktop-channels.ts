// In the desktop app a live channel reaches the page as a MessagePort (main/channel-ports.ts via
// the preload): this turns it into the same reading/writing shape as console-core's Channel
// (src/console-core/channels/port-bridge.ts), buffers transferred, back-pressure across the port.
import { channelFromPort, type PortChannel, type PortLike } from '../../../../src/console-core/channels/port-bridge.ts';

interface DesktopChannelPorts {
  open(ref: string, lsid: string, kind: string, meta: Record<string, unknown>): Promise<{ channelId: number }>;
}

let nextRef = 0;

/** A port-backed opener when the desktop preload offers one, else null. */
export function desktopChannelOpener(): { open(lsid: string, kind: string, meta: Record<string, unknown>): Promise<never> } | null {
  const ports = (window as unknown as { passerelle?: { channelPorts?: DesktopChannelPorts } }).passerelle?.channelPorts;
  if (!ports || typeof ports.open !== 'function') return null;
  return {
    open(lsid, kind, meta) {
      const ref = `p${++nextRef}`;
      const port = new Promise<MessagePort>((resolve) => {
        const onMessage = (ev: MessageEvent) => {
          if (ev.source !== window || ev.origin !== window.location.origin) return;
          if ((ev.data as { passerelleChannelPort?: string } | null)?.passerelleChannelPort !== ref || !ev.ports[0]) return;
          window.removeEventListener('message', onMessage);
          resolve(ev.ports[0]);
        };
        window.addEventListener('message', onMessage);
      });
      // The channel objects the tools use (file, shell, screen, input) all fit PortChannel's shape.
      return ports.open(ref, lsid, kind, meta).then(() => port.then((p) => channelFromPort(p as unknown as PortLike))) as Promise<PortChannel> as Promise<never>;
    },
  };
}

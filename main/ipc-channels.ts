// The IPC channel names of the one generic bridge (main/ipc.ts ↔ main/preload.ts).
export const IPC = { shape: 'passerelle:shape', call: 'passerelle:call', subscribe: 'passerelle:subscribe', unsubscribe: 'passerelle:unsubscribe', event: 'passerelle:event', channelOpen: 'passerelle:channel-open', channelPort: 'passerelle:channel-port' } as const;

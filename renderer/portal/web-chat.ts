// Click-to-chat (POR-5): the customer's browser joins with the same session core as the customer
// client (src/customer-core: outbox, resume, de-duplication), over the browser's own WebSocket.
import { CustomerSession, webSocketFactory } from '../../src/customer-core/index.ts';
import type { JoinRequest } from '../../src/protocol/sessions.ts';

export type WebChatStatus = 'connecting' | 'joined' | 'reconnecting' | 'ended';

export function openWebChat(join: JoinRequest, name: string | undefined): CustomerSession {
  return new CustomerSession({
    brokerUrl: location.origin,
    join,
    customer: name ? { name } : {},
    client: 'web_chat',
    capabilities: [],
    createWebSocket: webSocketFactory(WebSocket),
  });
}

// The customer side's session logic (outbox, resume, de-duplication), shared by the customer
// client (src/endpoint) and the portal's web chat (renderer/portal). Isomorphic, like console-core.
export { CustomerSession, clampToolEvent, type CustomerSessionEvents, type CustomerSessionOptions, type OutgoingBody } from './customer-session.ts';
export { Events, type Unsubscribe } from './emitter.ts';
export { SOCKET_OPEN, customerSocketUrl, defaultTimers, webSocketFactory, type CustomerSocket, type CustomerSocketFactory, type Timers } from './socket.ts';

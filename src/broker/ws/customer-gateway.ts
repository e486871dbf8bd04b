// The customer's live channel (`/ws/customer`): the customer client and the portal's web chat.
// Thin: validates every message, hands it to the sessions service, turns failures into typed
// error replies and log lines. Nothing a customer sends can crash the broker.
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { CustomerClientMessage, CustomerClose, MAX_CONTROL_MESSAGE_BYTES, type CustomerServerMessage } from '../../protocol/sessions.ts';
import { MAX_WS_BINARY_BYTES } from '../../protocol/channels.ts';
import { PasserelleError } from '../errors.ts';
import { BinaryGuard } from './binary-guard.ts';
import type { CustomerSink, LiveSession } from '../services/live-session.ts';
import type { Services } from '../services/index.ts';

const HELLO_TIMEOUT_MS = 10_000;
/** Messages a customer connection may send: a burst, refilled per second (typing and chat are human-paced). */
const FLOOD_BURST = 60;
const FLOOD_PER_SECOND = 20;
const HEARTBEAT_MS = 15_000;
const TOOL_EVENT_BURST = 300;
const TOOL_EVENTS_PER_SECOND = 100;

function send(socket: WebSocket, msg: CustomerServerMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
}

export function registerCustomerGateway(app: FastifyInstance, services: Services): void {
  app.get('/ws/customer', { websocket: true, config: { access: 'public' } }, (socket, req) => {
    const log = req.log;
    let session: LiveSession | null = null;
    let starting = false;
    const sink: CustomerSink = {
      address: req.ip,
      send: (msg) => send(socket, msg),
      sendBinary: (frame) => {
        if (socket.readyState === socket.OPEN) socket.send(frame, { binary: true });
      },
      bufferedAmount: () => socket.bufferedAmount,
      close: (code, reason) => socket.close(code, reason),
    };
    const fail = (err: unknown, cid?: number) => {
      if (err instanceof PasserelleError) {
        log.info({ code: err.code, lsid: session?.lsid }, err.message);
        send(socket, { type: 'error', code: err.code, message: err.message, ...(cid !== undefined ? { cid } : {}) });
      } else {
        log.error({ err, lsid: session?.lsid }, 'customer message failed');
        send(socket, { type: 'error', code: 'internal', message: 'Internal error', ...(cid !== undefined ? { cid } : {}) });
      }
    };
    const helloTimer = setTimeout(() => {
      send(socket, { type: 'error', code: 'out_of_order', message: 'Say hello first' });
      socket.close(CustomerClose.protocol, 'no hello');
    }, HELLO_TIMEOUT_MS);
    let alive = true;
    const heartbeat = setInterval(() => {
      // A connection that stopped answering (cable pulled, laptop asleep) counts as dropped.
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, HEARTBEAT_MS);
    socket.on('pong', () => (alive = true));

    const binary = new BinaryGuard(log, (code, message) => send(socket, { type: 'error', code, message }), services.frameLimit);
    let tokens = FLOOD_BURST;
    let toolTokens = TOOL_EVENT_BURST;
    // The services' clock, so a test can move time on instead of sleeping.
    let refilledAt = services.clock.now().getTime();
    socket.on('message', (data, isBinary) => {
      const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
      if (isBinary) {
        // Live channels: only on a channel a rep opened with the customer's consent, within its credit.
        if (!binary.admit()) return;
        if (!session) return binary.fail(new PasserelleError('out_of_order', 'Say hello first'));
        if (size > MAX_WS_BINARY_BYTES) return binary.fail(new PasserelleError('body_too_large', `Frames are limited to ${MAX_WS_BINARY_BYTES} bytes`));
        const s = session;
        // The Buffer ws gave us is relayed as it is: no copy.
        return binary.run(() => services.sessions.customerFrame(s, sink, data as Buffer));
      }
      // Text messages are human-paced; binary frames are paced by their channel's credit instead.
      // Tool events (transfers, shell transcript) come faster and have their own allowance.
      const now = services.clock.now().getTime();
      // (its client writes `type` first; anything else is counted as a text message.)
      const isToolEvent = (data as Buffer).subarray(0, 20).toString() === '{"type":"tool_event"';
      tokens = Math.min(FLOOD_BURST, tokens + ((now - refilledAt) / 1000) * FLOOD_PER_SECOND);
      toolTokens = Math.min(TOOL_EVENT_BURST, toolTokens + ((now - refilledAt) / 1000) * TOOL_EVENTS_PER_SECOND);
      refilledAt = now;
      if (isToolEvent) {
        if (toolTokens < 1) return fail(new PasserelleError('rate_limited', 'Too many tool events; slow down'));
        toolTokens -= 1;
      } else {
        if (tokens < 1) return fail(new PasserelleError('rate_limited', 'Too many messages; slow down'));
        tokens -= 1;
      }
      if (size > MAX_CONTROL_MESSAGE_BYTES) return fail(new PasserelleError('body_too_large', `Messages are limited to ${MAX_CONTROL_MESSAGE_BYTES} bytes`));
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        return fail(new PasserelleError('bad_request', 'Malformed JSON'));
      }
      const result = CustomerClientMessage.safeParse(parsed);
      if (!result.success) {
        const issue = result.error.issues[0];
        const cid = typeof (parsed as { cid?: unknown })?.cid === 'number' ? (parsed as { cid: number }).cid : undefined;
        return fail(new PasserelleError('validation_failed', issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'Invalid message'), cid);
      }
      const msg = result.data;
      if (msg.type === 'ping') return send(socket, { type: 'pong', t: msg.t });
      if (msg.type === 'hello') {
        if (session || starting) return fail(new PasserelleError('out_of_order', 'Already joined'));
        starting = true;
        clearTimeout(helloTimer);
        services.sessions.customerHello(msg, sink).then(
          (s) => {
            session = s;
            if (socket.readyState !== socket.OPEN) services.sessions.customerDisconnected(s, sink);
          },
          (err: unknown) => {
            fail(err);
            socket.close(err instanceof PasserelleError && err.code === 'protocol_version' ? CustomerClose.protocol : CustomerClose.refused, 'refused');
          },
        );
        return;
      }
      if (!session) return fail(new PasserelleError('out_of_order', 'Say hello first'), 'cid' in msg ? msg.cid : undefined);
      services.sessions.customerMessage(session, sink, msg).catch((err: unknown) => fail(err, 'cid' in msg ? msg.cid : undefined));
    });

    socket.on('close', () => {
      clearTimeout(helloTimer);
      clearInterval(heartbeat);
      if (session) services.sessions.customerDisconnected(session, sink);
    });
  });
}

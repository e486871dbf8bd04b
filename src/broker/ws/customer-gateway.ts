// The customer's live channel (`/ws/customer`): the customer client and the portal's web chat.
// Thin: validates every message, hands it to the sessions service, turns failures into typed
// error replies and log lines. Nothing a customer sends can crash the broker.
import type { FastifyInstance } from 'fastify';
import { CustomerClientMessage, CustomerClose, MAX_CONTROL_MESSAGE_BYTES, type CustomerServerMessage } from '../../protocol/sessions.ts';
import { MAX_WS_BINARY_BYTES } from '../../protocol/channels.ts';
import { PasserelleError } from '../errors.ts';
import { BinaryGuard } from './binary-guard.ts';
import { TokenBucket, binaryOut, heartbeat, messageSize, parseText, replyFailure, sendJson } from './socket-kit.ts';
import type { CustomerSink, LiveSession } from '../services/live-session.ts';
import type { Services } from '../services/index.ts';

const HELLO_TIMEOUT_MS = 10_000;
/** Messages a customer connection may send: a burst, refilled per second (typing and chat are human-paced). */
const FLOOD_BURST = 60;
const FLOOD_PER_SECOND = 20;
const TOOL_EVENT_BURST = 300;
const TOOL_EVENTS_PER_SECOND = 100;

export function registerCustomerGateway(app: FastifyInstance, services: Services): void {
  app.get('/ws/customer', { websocket: true, config: { access: 'public' } }, (socket, req) => {
    const log = req.log;
    const send = (msg: CustomerServerMessage) => sendJson(socket, msg);
    let session: LiveSession | null = null;
    let starting = false;
    const sink: CustomerSink = { address: req.ip, send, ...binaryOut(socket) };
    const reply = replyFailure(log, send, 'customer message');
    const fail = (err: unknown, cid?: number) => reply(err, { lsid: session?.lsid }, cid !== undefined ? { cid } : {});
    const helloTimer = setTimeout(() => {
      send({ type: 'error', code: 'out_of_order', message: 'Say hello first' });
      socket.close(CustomerClose.protocol, 'no hello');
    }, HELLO_TIMEOUT_MS);
    const stopHeartbeat = heartbeat(socket);

    const binary = new BinaryGuard(log, (code, message) => send({ type: 'error', code, message }), services.frameLimit);
    // The services' clock, so a test can move time on instead of sleeping.
    const now = () => services.clock.now().getTime();
    const texts = new TokenBucket(FLOOD_PER_SECOND, FLOOD_BURST, now);
    const toolEvents = new TokenBucket(TOOL_EVENTS_PER_SECOND, TOOL_EVENT_BURST, now);
    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        // Live channels: only on a channel a rep opened with the customer's consent, within its credit.
        if (!binary.admit()) return;
        if (!session) return binary.fail(new PasserelleError('out_of_order', 'Say hello first'));
        if (messageSize(data) > MAX_WS_BINARY_BYTES) return binary.fail(new PasserelleError('body_too_large', `Frames are limited to ${MAX_WS_BINARY_BYTES} bytes`));
        const s = session;
        // The Buffer ws gave us is relayed as it is: no copy.
        return binary.run(() => services.sessions.customerFrame(s, sink, data as Buffer));
      }
      // Text messages are human-paced; binary frames are paced by their channel's credit instead.
      // Tool events (transfers, shell transcript) come faster and have their own allowance
      // (its client writes `type` first; anything else is counted as a text message).
      const isToolEvent = (data as Buffer).subarray(0, 20).toString() === '{"type":"tool_event"';
      if (!(isToolEvent ? toolEvents : texts).take()) {
        return fail(new PasserelleError('rate_limited', isToolEvent ? 'Too many tool events; slow down' : 'Too many messages; slow down'));
      }
      const r = parseText(data, CustomerClientMessage, MAX_CONTROL_MESSAGE_BYTES);
      if (!r.ok) {
        const cid = typeof (r.parsed as { cid?: unknown })?.cid === 'number' ? (r.parsed as { cid: number }).cid : undefined;
        return fail(r.error, cid);
      }
      const msg = r.msg;
      if (msg.type === 'ping') return send({ type: 'pong', t: msg.t });
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
      stopHeartbeat();
      if (session) services.sessions.customerDisconnected(session, sink);
    });
  });
}

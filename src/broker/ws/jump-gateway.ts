// The Jump Clients' persistent channel (`/ws/jump`): one connection per installed agent, held for
// days. Thin and lean (tens of thousands stay open): validates, authenticates the hello with the
// client's own secret, then only relays jump and uninstall requests. Pings come from one timer in
// the service, not one per connection.
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { JumpAgentMessage, JumpClose, MAX_JUMP_MESSAGE_BYTES, type JumpBrokerMessage } from '../../protocol/jump.ts';
import { PasserelleError } from '../errors.ts';
import type { Services } from '../services/index.ts';
import type { JumpAgentSink } from '../services/jump-clients.ts';

const HELLO_TIMEOUT_MS = 10_000;

function send(socket: WebSocket, msg: JumpBrokerMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
}

export function registerJumpGateway(app: FastifyInstance, services: Services): void {
  const { jumpClients, log } = services;
  app.get('/ws/jump', { websocket: true, config: { access: 'public' } }, (socket, req) => {
    const address = req.ip;
    let clientId: string | null = null;
    let starting = false;
    const sink: JumpAgentSink = {
      address,
      alive: true,
      send: (msg) => send(socket, msg),
      close: (code, reason) => socket.close(code, reason),
      ping: () => socket.ping(),
      terminate: () => socket.terminate(),
    };
    const fail = (err: unknown, close?: number) => {
      if (err instanceof PasserelleError) {
        log.info({ code: err.code, clientId, address }, err.message);
        send(socket, { type: 'error', code: err.code, message: err.message });
      } else {
        log.error({ err, clientId, address }, 'jump client message failed');
        send(socket, { type: 'error', code: 'internal', message: 'Internal error' });
      }
      if (close) socket.close(close, 'refused');
    };
    const helloTimer = setTimeout(() => fail(new PasserelleError('out_of_order', 'Say hello first'), JumpClose.protocol), HELLO_TIMEOUT_MS);
    socket.on('pong', () => (sink.alive = true));
    socket.on('message', (data, isBinary) => {
      const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
      if (isBinary || size > MAX_JUMP_MESSAGE_BYTES) return fail(new PasserelleError('bad_request', `Text messages of at most ${MAX_JUMP_MESSAGE_BYTES} bytes only`), clientId ? undefined : JumpClose.protocol);
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        return fail(new PasserelleError('bad_request', 'Malformed JSON'), clientId ? undefined : JumpClose.protocol);
      }
      const result = JumpAgentMessage.safeParse(parsed);
      if (!result.success) {
        const issue = result.error.issues[0];
        return fail(new PasserelleError('validation_failed', issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'Invalid message'), clientId ? undefined : JumpClose.protocol);
      }
      const msg = result.data;
      if (msg.type === 'hello') {
        if (clientId || starting) return fail(new PasserelleError('out_of_order', 'Already said hello'));
        starting = true;
        clearTimeout(helloTimer);
        jumpClients.hello(msg, sink).then(
          (rec) => {
            clientId = rec.id;
            if (socket.readyState !== socket.OPEN) jumpClients.disconnected(rec.id, sink);
          },
          (err: unknown) => fail(err, err instanceof PasserelleError && err.code === 'protocol_version' ? JumpClose.protocol : JumpClose.refused),
        );
        return;
      }
      if (!clientId) return fail(new PasserelleError('out_of_order', 'Say hello first'), JumpClose.protocol);
      jumpClients.message(clientId, msg).catch((err: unknown) => fail(err));
    });
    socket.on('close', () => {
      clearTimeout(helloTimer);
      if (clientId) jumpClients.disconnected(clientId, sink);
    });
  });
}

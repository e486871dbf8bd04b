// bench:presentation's attendee TLS: the page load that gives an attendee its TLS session ticket,
// and the cost of opening attendee sockets one at a time (no other work in between, so the CPU per
// socket does not depend on how busy the machine is).
import { request } from 'node:https';
import { createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import WebSocket from 'ws';

export /** GET / on a fresh connection; resolves with the TLS session the broker gave it (its ticket). */
function pageLoad(base: string, secureContext: SecureContext): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    let session: Buffer | undefined;
    let ended = false;
    const done = () => session && ended && resolve(session);
    const req = request(`${base}/`, { agent: false, secureContext } as Parameters<typeof request>[1], (res) => {
      res.resume();
      res.on('end', () => {
        ended = true;
        done();
        // No ticket came (TLS 1.2 without tickets): the WebSocket makes a full handshake.
        setTimeout(() => resolve(session), 1000);
      });
    });
    req.on('socket', (sock) => sock.on('session', (s: Buffer) => {
      session = s;
      done();
    }));
    req.on('error', reject);
    req.end();
  });
}

/** Opens `n` attendee sockets one after another (each closed once open); CPU milliseconds per socket, here and in the broker (`brokerCpuS` reads its process's CPU seconds). */
export async function socketOpenCost(base: string, certificate: string, tls: 'resume' | 'full', n: number, brokerCpuS: () => number): Promise<{ client_ms: number; broker_ms: number; resumed: number }> {
  const contexts = Array.from({ length: n }, () => createSecureContext({ ca: certificate }));
  const sessions = tls === 'resume' ? await Promise.all(contexts.map((ctx) => pageLoad(base, ctx))) : [];
  const url = `${base.replace('https', 'wss')}/ws/attendee`;
  let resumed = 0;
  const b0 = brokerCpuS();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const session = sessions[i];
    const options: WebSocket.ClientOptions & { secureContext: SecureContext; session?: Buffer } = { secureContext: contexts[i]!, ...(session ? { session } : {}), perMessageDeflate: false };
    const ws = new WebSocket(url, options);
    await new Promise<void>((res, rej) => {
      ws.once('open', () => {
        if ((ws as unknown as { _socket: TLSSocket })._socket.isSessionReused()) resumed++;
        ws.once('close', () => res());
        ws.close();
      });
      ws.once('error', rej);
    });
  }
  const c = process.cpuUsage(c0);
  const broker = brokerCpuS() - b0;
  return { client_ms: Math.round(((c.user + c.system) / 1000 / n) * 100) / 100, broker_ms: Math.round(((broker * 1000) / n) * 100) / 100, resumed };
}

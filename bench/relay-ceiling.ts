// The ceiling bench:relay is measured against, in the same run and on the same machine: raw bytes
// sender → TLS → relay → TLS → receiver, one process each, with Node's own `tls` and `pipe()` and
// nothing of ours (no WebSocket, no frames, no credit). Whatever the broker does costs at least
// this. Roles: `receiver` | `relay` | `sender`, orders in CEILING (JSON); the receiver prints
// {"mib_s": …} on stdout.
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:tls';
import { TLS_SERVER_OPTIONS } from '../src/broker/tls.ts';

interface Orders {
  role: 'receiver' | 'relay' | 'sender';
  /** Where to connect (relay, sender). */
  port?: number;
  bytes: number;
  certFile: string;
  keyFile: string;
}

const o = JSON.parse(process.env.CEILING!) as Orders;
// The broker's own TLS settings (its cipher order puts AES-128-GCM first), so both sides of the comparison encrypt alike.
const tlsOptions = { cert: readFileSync(o.certFile), key: readFileSync(o.keyFile), ...TLS_SERVER_OPTIONS };
const dial = (port: number) => connect({ port, host: '127.0.0.1', rejectUnauthorized: false });
const listening = (server: ReturnType<typeof createServer>) =>
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`));

if (o.role === 'receiver') {
  listening(
    createServer(tlsOptions, (socket) => {
      let got = 0;
      let t0 = 0;
      socket.on('data', (d: Buffer) => {
        if (got === 0) t0 = performance.now();
        got += d.length;
        if (got < o.bytes) return;
        process.stdout.write(`${JSON.stringify({ mib_s: o.bytes / 2 ** 20 / ((performance.now() - t0) / 1000) })}\n`);
        process.exit(0);
      });
    }),
  );
} else if (o.role === 'relay') {
  listening(createServer(tlsOptions, (socket) => socket.pipe(dial(o.port!)).on('error', () => process.exit(0))));
} else {
  const socket = dial(o.port!);
  socket.once('secureConnect', () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x5a);
    let sent = 0;
    const pump = () => {
      while (sent < o.bytes) {
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
    };
    pump();
  });
  socket.on('error', () => process.exit(0));
}

// The broker process of bench:presentation: a real broker (TLS, SQLite) on loopback with room for
// 200 attendees from one address; prints its address and certificate as one JSON line.
import pino from 'pino';
import { startBroker } from '../src/broker/broker.ts';

const dataDir = process.argv[2]!;
const broker = await startBroker({
  dataDir,
  host: '127.0.0.1',
  port: 0,
  logger: pino({ level: 'warn' }, pino.destination(2)),
  loginRateLimit: { max: 1_000_000, timeWindow: 60_000 },
  presentations: { maxAttendees: 10_000, joinsPerMinute: 1_000_000, keyAttemptsPerMinute: 1_000_000 },
});
process.stdout.write(`${JSON.stringify({ url: broker.url, certificate: broker.certificate })}\n`);
process.on('SIGTERM', () => void broker.close().then(() => process.exit(0)));

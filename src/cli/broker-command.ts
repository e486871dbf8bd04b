// `passerelle broker`: runs a standalone broker until SIGTERM/SIGINT.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startBroker, type Broker } from '../broker/broker.ts';

export const brokerUsage = `Usage: passerelle broker [--data DIR] [--host HOST] [--port PORT] [--cert FILE --key FILE]
                         [--licences N] [--jump-client-licences N] [--login-rate-limit N]
                         [--session-start-limit N] [--jump-registration-limit N] [--jump-admission-limit N]
                         [--log-level LEVEL]
  --data DIR      data directory (database, certificate, recordings); default ./data
  --host HOST     address to listen on; default 127.0.0.1
  --port PORT     port; default 8443 (0 picks a free one)
  --cert, --key   your own certificate and key (PEM) instead of the generated self-signed one
  --licences N    named-user licences (default 50)
  --jump-client-licences N  active Jump Clients allowed (default 1000; STA-2)
  --jump-registration-limit N  Jump Client registrations one address may attempt per minute (default 30)
  --jump-admission-limit N  Jump Client connections authenticated at once; more are told to retry (default 256)
  --login-rate-limit N   login and password-reset attempts per minute per address (default 10)
  --session-start-limit N  support sessions one address may start per minute (default 60)`;

export function parseBrokerArgs(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string', default: './data' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8443' },
      cert: { type: 'string' },
      key: { type: 'string' },
      licences: { type: 'string', default: '50' },
      'jump-client-licences': { type: 'string', default: '1000' },
      'jump-registration-limit': { type: 'string', default: '30' },
      'jump-admission-limit': { type: 'string', default: '256' },
      'login-rate-limit': { type: 'string', default: '10' },
      'session-start-limit': { type: 'string', default: '60' },
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0 … 65535, not "${values.port}"`);
  const licences = Number(values.licences);
  if (!Number.isInteger(licences) || licences < 1) throw new Error('--licences must be a positive whole number');
  const loginRateLimit = Number(values['login-rate-limit']);
  if (!Number.isInteger(loginRateLimit) || loginRateLimit < 1) throw new Error('--login-rate-limit must be a positive whole number');
  const sessionStartLimit = Number(values['session-start-limit']);
  if (!Number.isInteger(sessionStartLimit) || sessionStartLimit < 1) throw new Error('--session-start-limit must be a positive whole number');
  const jumpClientLicences = Number(values['jump-client-licences']);
  if (!Number.isInteger(jumpClientLicences) || jumpClientLicences < 0) throw new Error('--jump-client-licences must be a whole number');
  const jumpRegistrationLimit = Number(values['jump-registration-limit']);
  if (!Number.isInteger(jumpRegistrationLimit) || jumpRegistrationLimit < 1) throw new Error('--jump-registration-limit must be a positive whole number');
  const jumpAdmissionLimit = Number(values['jump-admission-limit']);
  if (!Number.isInteger(jumpAdmissionLimit) || jumpAdmissionLimit < 1) throw new Error('--jump-admission-limit must be a positive whole number');
  if ((values.cert === undefined) !== (values.key === undefined)) throw new Error('--cert and --key go together');
  return {
    help: values.help,
    dataDir: resolve(values.data),
    host: values.host,
    port,
    tls: values.cert && values.key ? { cert: resolve(values.cert), key: resolve(values.key) } : undefined,
    licences,
    loginRateLimit,
    sessionStartLimit,
    jumpClientLicences,
    jumpRegistrationLimit,
    jumpAdmissionLimit,
    logLevel: values['log-level'],
  };
}

/** Stops the broker cleanly on SIGTERM/SIGINT, once. `current` follows restarts. */
export function stopOnSignals(current: () => Broker): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const broker = current();
    broker.services.log.info({ signal }, 'shutting down');
    broker.close().then(
      () => process.exit(0),
      (err: unknown) => {
        broker.services.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

export async function runBroker(argv: string[]): Promise<Broker | undefined> {
  const args = parseBrokerArgs(argv);
  if (args.help) {
    console.log(brokerUsage);
    return undefined;
  }
  let current: Broker;
  const start = (port: number) =>
    startBroker({
      dataDir: args.dataDir,
      host: args.host,
      port,
      tls: args.tls,
      logLevel: args.logLevel,
      licences: { namedUsers: args.licences, jumpClients: args.jumpClientLicences },
      jump: { registrationsPerMinute: args.jumpRegistrationLimit, admissionLimit: args.jumpAdmissionLimit },
      loginRateLimit: { max: args.loginRateLimit, timeWindow: 60_000 },
      sessions: { startsPerMinute: args.sessionStartLimit },
      onRestartRequested: () => void restart(),
    });
  // STA-4: a restart closes everything (connections, store) and starts afresh on the same port.
  const restart = async () => {
    const port = current.port;
    await current.close();
    try {
      current = await start(port);
    } catch (err) {
      console.error(`passerelle: restart failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    }
    process.stdout.write(`Passerelle broker restarted on ${current.url} (certificate SHA-256 ${current.fingerprint})\n`);
  };
  current = await start(args.port);
  // The one line operators and scripts read: where to connect and which certificate to pin.
  process.stdout.write(`Passerelle broker listening on ${current.url} (certificate SHA-256 ${current.fingerprint})\n`);
  stopOnSignals(() => current);
  return current;
}

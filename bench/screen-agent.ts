// The customer's side of `npm run bench:screen`, in its own process so its CPU is measured apart:
// the real customer-client session joined to the bench rep's queue through the built broker, every
// channel served by the real tools (src/endpoint/tools: the screen tool captures DISPLAY). Prints
// one JSON line when welcomed; runs until the session ends or stdin closes.
import { CustomerSession } from '../src/endpoint/customer/customer-session.ts';
import { capabilities, serveChannel } from '../src/endpoint/tools/index.ts';

const [brokerUrl, pin, repId] = process.argv.slice(2) as [string, string, string];
const session = new CustomerSession({ brokerUrl, pin, join: { kind: 'rep', rep: repId }, customer: { name: 'Bench', computerName: 'bench-xvfb' }, capabilities: capabilities() });
session.onChannel((ch) => serveChannel(ch, { filesRoot: '/tmp', report: () => undefined, warn: (m) => process.stderr.write(`[agent] ${m}\n`) }));
session.once('welcome', (w) => process.stdout.write(`${JSON.stringify({ welcomed: w.lsid })}\n`));
session.once('ended', ({ reason }) => {
  process.stderr.write(`[agent] session ended: ${reason}\n`);
  process.exit(0);
});
session.start();
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

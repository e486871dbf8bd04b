// The customer's side of bench:files in its own process: the real customer client's session and
// app (CustomerApp: its file and shell tools, its tool-event reporting), its file root in a
// temporary folder, every consent prompt answered yes as the customer would. Orders in AGENT (JSON).
import { CustomerApp } from '../src/endpoint/customer/customer-app.ts';
import { CustomerSession } from '../src/endpoint/customer/customer-session.ts';
import { capabilities } from '../src/endpoint/tools/index.ts';

const o = JSON.parse(process.env.AGENT!) as { brokerUrl: string; fingerprint: string; repId: number; root: string };
const session = new CustomerSession({
  brokerUrl: o.brokerUrl,
  pin: o.fingerprint,
  join: { kind: 'rep', rep: String(o.repId) },
  customer: { name: 'Camille', computerName: 'pc-bench' },
  capabilities: capabilities(),
});
const app = new CustomerApp(session, false, o.root);
app.on('update', (u) => {
  if (u.kind === 'prompt') app.answer(u.prompt.requestId, true);
  if (u.kind === 'error') console.error('[bench:files agent]', u.code, u.message);
});
session.once('ended', ({ reason }) => {
  console.error('[bench:files agent] ended:', reason);
  process.exit(0);
});
session.start();
// BENCH_FILES_MEMLOG=1: the agent's memory every second on stderr (what grows: the JS heap, buffers, or the rest).
if (process.env.BENCH_FILES_MEMLOG === '1') {
  setInterval(() => {
    const m = process.memoryUsage();
    const mb = (n: number) => Math.round(n / 1048576);
    console.error(`[bench:files agent] rss ${mb(m.rss)} heapUsed ${mb(m.heapUsed)} heapTotal ${mb(m.heapTotal)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)}`);
  }, 1000).unref();
}
process.on('SIGTERM', () => {
  session.close();
  process.exit(0);
});

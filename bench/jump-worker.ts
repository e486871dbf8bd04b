// bench:jump worker: runs a share of the idle Jump Clients (the real JumpAgent class, one object
// and one socket each) and reports to the parent how many are online.
import { readFileSync } from 'node:fs';
import { JumpAgent } from '../src/endpoint/jump/jump-agent.ts';
import { JumpClose } from '../src/protocol/jump.ts';

interface Job {
  broker: string;
  pin: string;
  identities: { clientId: string; secret: string; proof: string }[];
}

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Job;
const info = { hostName: 'bench', os: 'Linux', userName: 'bench', privateIp: '10.0.0.1', version: '0.1.0', platform: 'linux-x64' };
let online = 0;
let busy = 0;
let reported = -1;
let reportedBusy = -1;
const agents = job.identities.map(
  (id) => new JumpAgent({ identity: { clientId: id.clientId, secret: id.secret, broker: job.broker, pin: job.pin }, info, machineProof: id.proof, backoff: { baseMs: 1000, maxMs: 30_000 } }),
);
for (const a of agents) {
  a.on('online', () => online++);
  a.on('offline', (e) => {
    if (e.code === JumpClose.busy) busy++;
    if (a.online === false && online > 0) online--;
  });
  a.on('refused', (e) => console.error('[bench:jump worker] refused', e.message));
}
// `offline` fires after `online` was cleared; count from the agents themselves to stay exact.
setInterval(() => {
  online = agents.reduce((n, a) => n + (a.online ? 1 : 0), 0);
  if (online !== reported || busy !== reportedBusy) {
    reported = online;
    reportedBusy = busy;
    process.send!({ online, busy });
  }
}, 250);

// Start in slices so the first connection storm is paced like real fleets (machines boot over time).
let i = 0;
const slice = () => {
  for (const end = Math.min(i + 250, agents.length); i < end; i++) agents[i]!.start();
  if (i < agents.length) setTimeout(slice, 20);
};
slice();
process.on('message', (m: any) => {
  if (m === 'stop') {
    for (const a of agents) a.stop();
    setTimeout(() => process.exit(0), 500);
  }
});

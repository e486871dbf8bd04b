// A rep's console-core (Node) and the real customer client's app (CustomerApp: its tools, its
// tool-event reporting, its grants) in one session through a real broker, with the customer's
// file root in a temporary folder; optionally through a TCP proxy the test can cut.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionEvent, SessionPermission } from '../../src/protocol/sessions.ts';
import type { FileChannelMeta } from '../../src/protocol/files.ts';
import type { ShellChannelMeta } from '../../src/protocol/shell.ts';
import type { ToolChannel } from '../../src/protocol/tool-channel.ts';
import { CustomerApp } from '../../src/endpoint/customer/customer-app.ts';
import { CustomerSession } from '../../src/endpoint/customer/customer-session.ts';
import { capabilities } from '../../src/endpoint/tools/index.ts';
import { createRep, type ApiClient, type TestBroker } from './broker.ts';
import { repCore, waitForQueue, type Core } from './channels.ts';

export interface FilesSession {
  core: Core;
  app: CustomerApp;
  lsid: string;
  root: string;
  rep: Awaited<ReturnType<typeof createRep>>;
  openFile(meta: FileChannelMeta): Promise<ToolChannel>;
  openShell(meta: ShellChannelMeta): Promise<ToolChannel>;
  /** Waits for a session event the rep's console sees. */
  event(pred: (e: SessionEvent) => boolean, what: string, timeoutMs?: number): Promise<SessionEvent>;
  events: SessionEvent[];
  close(): Promise<void>;
}

export async function filesSession(
  broker: TestBroker,
  admin: ApiClient,
  o: { permissions?: Record<string, unknown>; grants?: SessionPermission[]; brokerUrl?: string } = {},
): Promise<FilesSession> {
  const rep = await createRep(admin, { permissions: { promptAttended: 'never', fileTransfer: true, shell: true, ...o.permissions } });
  const { core, close: closeCore } = await repCore(broker, rep.username, rep.password);
  const root = await mkdtemp(join(tmpdir(), 'passerelle-files-it-'));
  const events: SessionEvent[] = [];
  const waiters: { pred: (e: SessionEvent) => boolean; resolve: (e: SessionEvent) => void }[] = [];
  const session = new CustomerSession({
    brokerUrl: o.brokerUrl ?? broker.url,
    pin: broker.fingerprint,
    join: { kind: 'rep', rep: String(rep.id) },
    customer: { name: 'Camille', computerName: 'pc-camille' },
    capabilities: capabilities(),
  });
  const app = new CustomerApp(session, false, root);
  const welcomed = new Promise<string>((resolve, reject) => {
    session.once('welcome', (w) => resolve(w.lsid));
    session.once('ended', ({ reason }) => reject(new Error(`customer ended: ${reason}`)));
  });
  session.start();
  const lsid = await welcomed;
  core.sessions.onEvent(({ lsid: lsidOf, event: e }) => {
    if (lsidOf !== lsid) return;
    events.push(e);
    for (const w of [...waiters]) {
      if (!w.pred(e)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(e);
    }
  });
  await waitForQueue(core, (q) => q.some((s) => s.lsid === lsid), 'the session in the queue');
  await core.sessions.accept(lsid);
  const grants = o.grants ?? ['file_transfer', 'shell'];
  for (const p of grants) await core.sessions.requestPermission(lsid, p);
  await waitForQueue(core, (q) => (q.find((s) => s.lsid === lsid)?.grants.length ?? 0) >= grants.length, 'grants');
  return {
    core,
    app,
    lsid,
    root,
    rep,
    events,
    openFile: (meta) => core.channels.open(lsid, 'file', meta as never) as unknown as Promise<ToolChannel>,
    openShell: (meta) => core.channels.open(lsid, 'shell', meta as never) as unknown as Promise<ToolChannel>,
    event: (pred, what, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const seen = events.find(pred);
        if (seen) return resolve(seen);
        const timer = setTimeout(() => reject(new Error(`no session event: ${what}; got ${JSON.stringify(events.map((e) => e.body))}`)), timeoutMs);
        waiters.push({ pred, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      }),
    async close() {
      if (!session.ended) session.end();
      session.close();
      await closeCore();
      await rep.api.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

// Files and shell through a real broker with the real customer client's app (CustomerApp) on a
// temporary home: every bad input of issue 8 gives the rep a clear error and leaves an event in
// the session log, and nothing partial where the customer would trust it (CON-6, CON-7, USR-11).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { download, type DownloadTarget } from '../../src/console-core/files/transfers.ts';
import { adminClient, startTestBroker, type ApiClient, type TestBroker } from '../support/broker.ts';
import { TcpProxy } from '../support/customer-client.ts';
import { filesSession, type FilesSession } from '../support/files-session.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function memoryTarget(): DownloadTarget & { files: Map<string, Buffer[]> } {
  const files = new Map<string, Buffer[]>();
  return {
    files,
    async file(path) {
      const parts: Buffer[] = [];
      files.set(path, parts);
      return { write: async (b) => void parts.push(Buffer.from(b)), truncate: async () => void parts.splice(0), close: async () => {}, abort: async () => void files.delete(path) };
    },
  };
}

describe('files and shell through the broker', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  const open: FilesSession[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  before(async () => {
    broker = await startTestBroker();
    admin = await adminClient(broker);
  });
  after(async () => {
    for (const s of open) await s.close();
    for (const c of cleanups) await c();
    await admin.close();
    await broker.stop();
  });
  const session = async (o?: Parameters<typeof filesSession>[2]) => {
    const s = await filesSession(broker, admin, o);
    open.push(s);
    return s;
  };

  it('CON-6: a download cut mid-way (customer connection dropped) resumes and arrives whole', async () => {
    const proxy = await TcpProxy.start(Number(new URL(broker.url).port));
    cleanups.push(() => proxy.close());
    const s = await session({ brokerUrl: `https://127.0.0.1:${proxy.port}` });
    const data = randomBytes(32 * 1024 * 1024);
    await writeFile(join(s.root, 'big.bin'), data);
    const before = proxy.bytesUp;
    const cut = proxy.cutAfterUp(data.length / 2);
    const target = memoryTarget();
    const done = await download(s.openFile, 'big.bin', target, { sha256: () => { const h = createHash('sha256'); return { update: (b: Uint8Array) => void h.update(b), digest: () => h.digest('hex') }; } });
    await cut;
    assert.equal(done[0]!.sha256, sha(data));
    assert.equal(sha(Buffer.concat(target.files.get('big.bin')!)), sha(data));
    assert.ok(proxy.bytesUp - before < data.length * 1.4, 'resumed, not restarted');
    const ev = await s.event((e) => e.body.kind === 'file_transfer' && e.body.result === 'completed', 'the completed download');
    assert.equal(ev.actor.userId, s.rep.id);
  });
});

// The Jump Clients list in pages (JMP-2's list at fleet size): at most 500 a page, 100 by default,
// sorted and searched before paging, every client on exactly one page; bad paging refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brokerWithAdmin, type ApiClient } from '../support/broker.ts';
import { createDeployment, register, testInfo } from '../support/jump.ts';

describe('Jump Clients list pages', () => {
  let admin: ApiClient;
  const N = 230;

  brokerWithAdmin(async (_b, a) => {
    admin = a;
    const d = await createDeployment(admin, { maxInstalls: N });
    for (let i = 0; i < N; i++) {
      const r = await register(admin, d.keyInfo, { info: testInfo(`pc-${String(i).padStart(3, '0')}`), ...(i % 10 === 0 ? { tag: 'tenth' } : {}) });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  }, { jump: { registrationsPerMinute: 10_000 } });

  it('JMP-2: pages of the sorted list cover every client once; the search is applied before paging; counts stay whole', async () => {
    const first = (await admin.get('/api/v1/jump-clients')).body;
    assert.equal(first.clients.length, 100, 'default page');
    assert.deepEqual([first.total, first.matched, first.offset, first.limit], [N, N, 0, 100]);
    const seen: string[] = [];
    for (let offset = 0; offset < N; offset += 100) {
      const page = (await admin.get(`/api/v1/jump-clients?sort=hostName&order=desc&limit=100&offset=${offset}`)).body;
      seen.push(...page.clients.map((c: { hostName: string }) => c.hostName));
    }
    assert.equal(seen.length, N);
    assert.equal(new Set(seen).size, N, 'no client on two pages');
    assert.deepEqual(seen, [...seen].sort().reverse(), 'sorted across pages');
    const tenth = (await admin.get('/api/v1/jump-clients?q=tenth&limit=10&offset=20')).body;
    assert.deepEqual([tenth.matched, tenth.clients.length, tenth.total], [23, 3, N]);
    assert.equal((await admin.get('/api/v1/jump-clients?offset=5000')).body.clients.length, 0);
  });

  it('JMP-2: a page larger than 500, a negative offset or a non-number is refused', async () => {
    for (const q of ['limit=501', 'limit=0', 'offset=-1', 'limit=ten']) {
      const r = await admin.get(`/api/v1/jump-clients?${q}`);
      assert.equal(r.status, 400, q);
    }
  });
});

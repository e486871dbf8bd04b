// REP-2, REP-3 on a real SQLite store: a broad filter (more than BROAD_FILTER_ROWS matches: a
// private-IP prefix such as 10.1, a rep with many sessions) is planned differently from a narrow
// one (checked row by row instead of driving the query); both plans must give exactly the rows,
// order and pages a plain reading of the table gives, for every sort, and the CSV export too.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/broker/store/sqlite-store.ts';
import { BROAD_FILTER_ROWS } from '../../src/broker/store/sqlite-reports-store.ts';
import type { ReportOrder, SessionReportFilter } from '../../src/broker/store/reports-store.ts';
import type { Store } from '../../src/broker/store/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'passerelle-reports-store-'));
const file = join(dir, 'r.db');
const N = BROAD_FILTER_ROWS * 3;
const START = Date.parse('2025-01-01T00:00:00Z');

interface S { seq: number; created: string; customer: string; computer: string; publicIp: string; privateIp: string; reps: number[] }
const sessions: S[] = [];

describe('reports store plans (REP-2, REP-3)', () => {
  let store: Store;
  before(() => {
    openSqliteStore(file).close();
    const db = new Database(file);
    const ins = db.prepare(`INSERT INTO support_sessions (lsid, method, queue_kind, state, client_kind, customer_name, computer_name, os,
      private_ip, public_ip, user_name, created_at) VALUES (?, 'key', 'general', 'ended', 'client', ?, ?, 'Linux', ?, ?, 'u', ?)`);
    const ev = db.prepare(`INSERT INTO session_events (lsid, seq, at, kind, actor_kind, actor_user_id, actor_name, actor_ip, body)
      VALUES (?, ?, ?, 'rep_joined', 'rep', ?, ?, '127.0.0.1', ?)`);
    db.transaction(() => {
      for (let i = 0; i < N; i++) {
        const lsid = `L${String(i).padStart(8, '0')}`;
        // Start times deliberately not in insertion order (seq order is not time order).
        const created = new Date(START + ((i * 7919) % N) * 60_000).toISOString();
        const s: S = {
          seq: i + 1, created, customer: `Client ${i % 97}`, computer: `PC-${i % 13}`,
          publicIp: `203.0.${i % 7}.${i % 250}`, privateIp: `10.${i % 300 < 150 ? 1 : i % 256}.${i % 11}.${i % 250}`,
          // Rep 2 is in most sessions (broad), rep 3 in few (narrow), some sessions have both.
          reps: [...(i % 5 ? [2] : []), ...(i % 97 === 0 ? [3] : [])],
        };
        const r = ins.run(lsid, s.customer, s.computer, s.privateIp, s.publicIp, s.created);
        assert.equal(Number(r.lastInsertRowid), s.seq);
        s.reps.forEach((rep, k) => ev.run(lsid, k + 1, s.created, rep, `Rep ${rep}`, JSON.stringify({ kind: 'rep_joined', userId: rep, name: `Rep ${rep}` })));
        sessions.push(s);
      }
    })();
    db.close();
    store = openSqliteStore(file);
  });
  after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cmpStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  function expected(f: (s: S) => boolean, o: ReportOrder): number[] {
    const key = (s: S) => (o.sort === 'start' ? s.created : o.sort === 'customer' ? s.customer.toLowerCase() : o.sort === 'computer' ? s.computer.toLowerCase() : '');
    const dir = o.order === 'asc' ? 1 : -1;
    return sessions.filter(f).sort((a, b) => dir * (cmpStr(key(a), key(b)) || a.seq - b.seq)).map((s) => s.seq);
  }
  const cases: [string, SessionReportFilter, (s: S) => boolean, 'broad' | 'narrow'][] = [
    ['private IP 10.1 (broad)', { privateIp: '10.1' }, (s) => s.privateIp.startsWith('10.1'), 'broad'],
    ['private IP 10.17. (narrow)', { privateIp: '10.17.' }, (s) => s.privateIp.startsWith('10.17.'), 'narrow'],
    ['public IP 203.0. (broad)', { publicIp: '203.0.' }, (s) => s.publicIp.startsWith('203.0.'), 'broad'],
    ['customer client 1 (narrow, any case)', { customerName: 'client 1' }, (s) => s.customer.toLowerCase().startsWith('client 1'), 'narrow'],
    ['customer CLIENT (broad, any case)', { customerName: 'CLIENT' }, (s) => s.customer.toLowerCase().startsWith('client'), 'broad'],
    ['computer PC-12 (narrow)', { computerName: 'pc-12' }, (s) => s.computer.toLowerCase().startsWith('pc-12'), 'narrow'],
    ['rep 2 (broad)', { rep: 2 }, (s) => s.reps.includes(2), 'broad'],
    ['rep 3 (narrow)', { rep: 3 }, (s) => s.reps.includes(3), 'narrow'],
    ['rep 2 and private IP 10.1 and a period', { rep: 2, privateIp: '10.1', startedFrom: '2025-01-03T00:00:00.000Z', startedBefore: '2025-01-07T00:00:00.000Z' },
      (s) => s.reps.includes(2) && s.privateIp.startsWith('10.1') && s.created >= '2025-01-03T00:00:00.000Z' && s.created < '2025-01-07T00:00:00.000Z', 'broad'],
  ];

  it('REP-2: the cases are really broad or narrow (so both plans are exercised)', () => {
    for (const [name, , f, kind] of cases) {
      const n = sessions.filter(f).length;
      if (kind === 'narrow') assert.ok(n > 0 && n < BROAD_FILTER_ROWS, `${name}: ${n}`);
      else if (!name.includes('period')) assert.ok(n >= BROAD_FILTER_ROWS, `${name}: ${n}`);
    }
  });

  it('REP-2, REP-3: every filter gives the rows, order and pages a plain reading gives, for each sort', async () => {
    for (const [name, filter, f] of cases) {
      for (const o of [{ sort: 'start', order: 'desc' }, { sort: 'customer', order: 'asc' }, { sort: 'sequenceNumber', order: 'asc' }, { sort: 'computer', order: 'desc' }] as ReportOrder[]) {
        const want = expected(f, o);
        for (const offset of [0, 50, Math.max(0, want.length - 10)]) {
          const got = await store.listSessionReports(filter, o, 25, offset);
          assert.deepEqual(got.map((r) => r.seq), want.slice(offset, offset + 25), `${name}, ${o.sort} ${o.order}, offset ${offset}`);
        }
      }
    }
  });

  it('REP-2: each row carries its reps whole, also when the filter is a given rep', async () => {
    const rows = await store.listSessionReports({ rep: 3 }, { sort: 'start', order: 'asc' }, 100, 0);
    for (const r of rows) {
      const s = sessions[r.seq - 1]!;
      assert.deepEqual(r.reps.map((x) => x.userId).sort(), [...s.reps].sort(), `session ${r.seq}`);
      assert.equal(r.customerName, s.customer);
      assert.equal(r.privateIp, s.privateIp);
    }
  });

  it('REP-3: the export in batches gives the whole list in order, broad and narrow', async () => {
    for (const [name, filter, f] of cases.slice(0, 2)) {
      const o: ReportOrder = { sort: 'start', order: 'desc' };
      const seqs: number[] = [];
      for await (const batch of store.exportSessionReports(filter, o, 777)) seqs.push(...batch.map((r) => r.seq));
      assert.deepEqual(seqs, expected(f, o), name);
    }
  });
});

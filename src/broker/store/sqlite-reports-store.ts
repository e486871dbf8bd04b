// SQLite statements of the reports store (see reports-store.ts), composed into the SQLite store.
// Every REP-2 filter is served by an index of migration 0004; prefixes are matched as ranges so
// those indexes are used (LIKE would not be, and would treat % and _ as wildcards).
//
// On a large store a filter's index is only the fast way when the filter is narrow: a private-IP
// prefix such as `10.1` or a rep with 20,000 sessions matches so many rows that reading them all
// through the filter's index and sorting them costs hundreds of milliseconds, while walking the
// sort's own index and checking the filter stops after one page. SQLite cannot tell the two apart
// from its statistics for a prefix range, so each such filter is probed first (counting at most
// BROAD index entries, well under a millisecond): a broad one is checked row by row (`+column`,
// EXISTS) instead of driving the query. A page is found as sequence numbers first and only its
// rows are then read whole (the reps of each session are a subquery: computed for the page only).
import type Database from 'better-sqlite3';
import type { ReportAccessRecord, ReportOrder, ReportsStore, SessionRepRecord, SessionReportFilter, SessionReportRecord } from './reports-store.ts';

/** The highest code point: `prefix + MAX_CHAR` bounds every string that starts with `prefix`. */
const MAX_CHAR = '\u{10FFFF}';

/** A filter matching at least this many sessions no longer drives the query (see above). */
export const BROAD_FILTER_ROWS = 5000;

/** Whether a prefix range (column, lo, hi) or a given rep matches at least BROAD_FILTER_ROWS sessions. */
interface Breadth {
  prefix(column: PrefixColumn, lo: string, hi: string): boolean;
  rep(userId: number): boolean;
}
type PrefixColumn = 'customer_name' | 'computer_name' | 'public_ip' | 'private_ip';

const sessionColumns = `s.seq AS seq, s.lsid AS lsid, s.method AS method, s.queue_kind AS queueKind, s.queue_user_id AS queueUserId,
  s.key_user_id AS keyUserId, s.state AS state, s.owner_user_id AS ownerUserId, s.client_kind AS clientKind,
  s.customer_name AS customerName, s.computer_name AS computerName, s.os AS os, s.private_ip AS privateIp,
  s.public_ip AS publicIp, s.user_name AS userName, s.created_at AS createdAt, s.accepted_at AS acceptedAt,
  s.ended_at AS endedAt, s.end_reason AS endReason,
  (SELECT json_group_array(json_array(r.user_id, r.name, r.joined_at)) FROM session_reps r WHERE r.session_seq = s.seq) AS repsJson`;

type Row = Omit<SessionReportRecord, 'reps'> & { repsJson: string };

/** The sort key of each sort, as SQL (with its collation) and as read from a row. */
const sortKeys = {
  start: { sql: 's.created_at', of: (r: Row) => r.createdAt },
  sequenceNumber: { sql: null, of: () => null },
  customer: { sql: 's.customer_name COLLATE NOCASE', of: (r: Row) => r.customerName },
  computer: { sql: 's.computer_name COLLATE NOCASE', of: (r: Row) => r.computerName },
} as const;

function toReport(r: Row): SessionReportRecord {
  const { repsJson, ...session } = r;
  const reps = (JSON.parse(repsJson) as [number, string, string][])
    .map(([userId, name, joinedAt]): SessionRepRecord => ({ userId, name, joinedAt }))
    .sort((a, b) => (a.joinedAt < b.joinedAt ? -1 : a.joinedAt > b.joinedAt ? 1 : a.userId - b.userId));
  return { ...session, reps };
}

interface Where {
  sql: string;
  params: Record<string, string | number>;
}

function whereOf(f: SessionReportFilter, breadth: Breadth, sort: ReportOrder['sort']): Where {
  const c: string[] = [];
  const params: Record<string, string | number> = {};
  // LSID and sequence number find one session; the service refuses other filters beside them.
  if (f.lsid !== undefined) {
    c.push('s.lsid = @lsid');
    params.lsid = f.lsid;
  }
  if (f.seq !== undefined) {
    c.push('s.seq = @seq');
    params.seq = f.seq;
  }
  if (f.startedFrom !== undefined) {
    c.push('s.created_at >= @startedFrom');
    params.startedFrom = f.startedFrom;
  }
  if (f.startedBefore !== undefined) {
    c.push('s.created_at < @startedBefore');
    params.startedBefore = f.startedBefore;
  }
  const prefix = (column: PrefixColumn, name: string, value: string | undefined, nocase: boolean) => {
    if (value === undefined) return;
    const coll = nocase ? ' COLLATE NOCASE' : '';
    const lo = value;
    const hi = value + MAX_CHAR;
    // `+column` keeps the test (and the column's collation) but not the index; a column the list
    // is sorted by keeps its index, which gives the range in the list's order.
    const sorted = (sort === 'customer' && column === 'customer_name') || (sort === 'computer' && column === 'computer_name');
    const col = !sorted && breadth.prefix(column, lo, hi) ? `+s.${column}` : `s.${column}`;
    c.push(`${col} >= @${name}Lo${coll} AND ${col} < @${name}Hi${coll}`);
    params[`${name}Lo`] = lo;
    params[`${name}Hi`] = hi;
  };
  prefix('customer_name', 'customerName', f.customerName, true);
  prefix('computer_name', 'computerName', f.computerName, true);
  prefix('public_ip', 'publicIp', f.publicIp, false);
  prefix('private_ip', 'privateIp', f.privateIp, false);
  if (f.rep === 'any') c.push('EXISTS (SELECT 1 FROM session_reps r WHERE r.session_seq = s.seq)');
  else if (f.rep === 'none') c.push('NOT EXISTS (SELECT 1 FROM session_reps r WHERE r.session_seq = s.seq)');
  else if (typeof f.rep === 'number') {
    // A rep with few sessions: start from them. One with many: check each row (primary key).
    c.push(breadth.rep(f.rep)
      ? 'EXISTS (SELECT 1 FROM session_reps r WHERE r.user_id = @repId AND r.session_seq = s.seq)'
      : 's.seq IN (SELECT r.session_seq FROM session_reps r WHERE r.user_id = @repId)');
    params.repId = f.rep;
  }
  return { sql: c.length ? c.join(' AND ') : '1', params };
}

function orderOf(o: ReportOrder): string {
  const dir = o.order === 'asc' ? 'ASC' : 'DESC';
  const key = sortKeys[o.sort].sql;
  return key ? `${key} ${dir}, s.seq ${dir}` : `s.seq ${dir}`;
}

/** Rows strictly after `last` in the order `o` (keyset paging for exports). */
function afterOf(o: ReportOrder, last: Row): Where {
  const cmp = o.order === 'asc' ? '>' : '<';
  const key = sortKeys[o.sort];
  if (!key.sql) return { sql: `s.seq ${cmp} @afterSeq`, params: { afterSeq: last.seq } };
  return {
    sql: `(${key.sql} ${cmp} @afterKey OR (${key.sql} = @afterKey AND s.seq ${cmp} @afterSeq))`,
    params: { afterKey: key.of(last) as string, afterSeq: last.seq },
  };
}

export function sqliteReportsStore(db: Database.Database): ReportsStore {
  // One statement per filter shape, prepared once: the planner's choice is made once per shape.
  const cache = new Map<string, Database.Statement>();
  const prepared = (sql: string) => {
    let st = cache.get(sql);
    if (!st) {
      if (cache.size > 500) cache.clear();
      st = db.prepare(sql);
      cache.set(sql, st);
    }
    return st;
  };
  // The page's sequence numbers (with what it is sorted by, for keyset paging: nothing else, so
  // an index holding both answers alone), then its rows whole.
  const keyColumn = { start: ', s.created_at AS createdAt', customer: ', s.customer_name AS customerName', computer: ', s.computer_name AS computerName', sequenceNumber: '' } as const;
  const select = (where: string, o: ReportOrder) =>
    `SELECT s.seq AS seq${keyColumn[o.sort]} FROM support_sessions s WHERE ${where} ORDER BY ${orderOf(o)} LIMIT @limit OFFSET @offset`;
  const rowsOf = db.prepare<[string], Row>(`SELECT ${sessionColumns} FROM support_sessions s WHERE s.seq IN (SELECT value FROM json_each(?))`);
  const whole = (keys: Pick<Row, 'seq'>[]): Row[] => {
    if (keys.length === 0) return [];
    const bySeq = new Map(rowsOf.all(JSON.stringify(keys.map((k) => k.seq))).map((r) => [r.seq, r]));
    return keys.map((k) => bySeq.get(k.seq)).filter((r): r is Row => r !== undefined);
  };
  const probes = {
    customer_name: db.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM support_sessions WHERE customer_name >= ? COLLATE NOCASE AND customer_name < ? COLLATE NOCASE LIMIT ${BROAD_FILTER_ROWS})`).pluck(),
    computer_name: db.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM support_sessions WHERE computer_name >= ? COLLATE NOCASE AND computer_name < ? COLLATE NOCASE LIMIT ${BROAD_FILTER_ROWS})`).pluck(),
    public_ip: db.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM support_sessions WHERE public_ip >= ? AND public_ip < ? LIMIT ${BROAD_FILTER_ROWS})`).pluck(),
    private_ip: db.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM support_sessions WHERE private_ip >= ? AND private_ip < ? LIMIT ${BROAD_FILTER_ROWS})`).pluck(),
    rep: db.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM session_reps WHERE user_id = ? LIMIT ${BROAD_FILTER_ROWS})`).pluck(),
  };
  const breadth: Breadth = {
    prefix: (column, lo, hi) => (probes[column].get(lo, hi) as number) >= BROAD_FILTER_ROWS,
    rep: (userId) => (probes.rep.get(userId) as number) >= BROAD_FILTER_ROWS,
  };

  const q = {
    reps: db.prepare<[number], { userId: number; name: string; joinedAt: string }>(
      'SELECT user_id AS userId, name, joined_at AS joinedAt FROM session_reps WHERE session_seq = ? ORDER BY joined_at, user_id',
    ),
    insertAccess: db.prepare(
      `INSERT INTO report_access_log (at, user_id, username, address, action, lsid, presentation_id, query)
       VALUES (@at, @userId, @username, @address, @action, @lsid, @presentationId, @query)`,
    ),
    listAccess: db.prepare<[number, number], ReportAccessRecord>(
      `SELECT id, at, user_id AS userId, username, address, action, lsid, presentation_id AS presentationId, query
       FROM report_access_log ORDER BY id DESC LIMIT ? OFFSET ?`,
    ),
  };

  return {
    async listSessionReports(filter, order, limit, offset) {
      const w = whereOf(filter, breadth, order.sort);
      const keys = prepared(select(w.sql, order)).all({ ...w.params, limit, offset }) as Row[];
      return whole(keys).map(toReport);
    },
    async *exportSessionReports(filter, order, batchSize) {
      const w = whereOf(filter, breadth, order.sort);
      let last: Row | undefined;
      for (;;) {
        const after = last ? afterOf(order, last) : { sql: '1', params: {} };
        const sql = select(`${w.sql} AND ${after.sql}`, order);
        const keys = prepared(sql).all({ ...w.params, ...after.params, limit: batchSize, offset: 0 }) as Row[];
        if (keys.length === 0) return;
        last = keys[keys.length - 1];
        yield whole(keys).map(toReport);
        if (keys.length < batchSize) return;
      }
    },
    async listSessionReps(sessionSeq) {
      return q.reps.all(sessionSeq);
    },
    async insertReportAccess(e) {
      q.insertAccess.run(e);
    },
    async listReportAccess(limit, offset) {
      return q.listAccess.all(limit, offset);
    },
  };
}

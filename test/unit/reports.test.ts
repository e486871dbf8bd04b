import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvCell, csvLine } from '../../src/broker/services/reports/report-csv.ts';
import { escapeHtml } from '../../src/broker/services/reports/report-html.ts';
import { resolveReportQuery } from '../../src/broker/services/reports/reports.ts';
import { addDays, dayStart, siteDateTime } from '../../src/broker/services/reports/site-time.ts';
import { SessionReportQuery } from '../../src/protocol/reports.ts';

describe('report helpers (REP-2, REP-3, STA-1)', () => {
  it('STA-1: a day begins at local midnight of the site zone, also on daylight-saving days', () => {
    assert.equal(dayStart('2026-07-01', 'UTC').toISOString(), '2026-07-01T00:00:00.000Z');
    assert.equal(dayStart('2026-07-01', 'Europe/Paris').toISOString(), '2026-06-30T22:00:00.000Z');
    assert.equal(dayStart('2026-01-15', 'Europe/Paris').toISOString(), '2026-01-14T23:00:00.000Z');
    assert.equal(dayStart('2026-03-29', 'Europe/Paris').toISOString(), '2026-03-28T23:00:00.000Z', 'the spring-forward day');
    assert.equal(dayStart('2026-10-25', 'Europe/Paris').toISOString(), '2026-10-24T22:00:00.000Z', 'the fall-back day');
    assert.equal(dayStart('2026-12-01', 'Pacific/Kiritimati').toISOString(), '2026-11-30T10:00:00.000Z');
    assert.equal(dayStart('2026-12-01', 'America/St_Johns').toISOString(), '2026-12-01T03:30:00.000Z');
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
    assert.equal(addDays('2028-02-28', 1), '2028-02-29');
    assert.equal(siteDateTime('2026-12-01T23:30:00.000Z', 'Europe/Paris'), '2026-12-02 00:30:00');
    assert.equal(siteDateTime(null, 'UTC'), '');
  });

  it('REP-2: the end date is inclusive; days count from the start date', () => {
    const q = (o: Record<string, string>) => resolveReportQuery(SessionReportQuery.parse(o), 'Europe/Paris').filter;
    assert.deepEqual(q({ from: '2026-07-01', to: '2026-07-01' }), { startedFrom: '2026-06-30T22:00:00.000Z', startedBefore: '2026-07-01T22:00:00.000Z' });
    assert.deepEqual(q({ from: '2026-07-01', days: '2' }), { startedFrom: '2026-06-30T22:00:00.000Z', startedBefore: '2026-07-02T22:00:00.000Z' });
    assert.deepEqual(q({ from: '2026-07-01' }), { startedFrom: '2026-06-30T22:00:00.000Z' });
    assert.throws(() => q({ from: '2026-07-02', to: '2026-07-01' }), /before the start/);
    assert.throws(() => q({ lsid: 'abcdefgh12', rep: 'any' }), /cannot be combined/);
  });

  it('REP-3: CSV cells are quoted and never start a formula', () => {
    assert.equal(csvCell('=cmd|\' /C calc\'!A0'), `"'=cmd|' /C calc'!A0"`);
    for (const s of ['+1', '-1+2', '@SUM(A1)', '\tx', '\rx']) assert.equal(csvCell(s).slice(0, 2), `"'`, JSON.stringify(s));
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell(42), '"42"');
    assert.equal(csvCell(null), '""');
    assert.equal(csvLine(['a', 'b,c']), '"a","b,c"\r\n');
    assert.equal(escapeHtml(`<img src=x onerror="a">'&`), '&lt;img src=x onerror=&quot;a&quot;&gt;&#39;&amp;');
  });
});

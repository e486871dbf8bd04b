// STA-1: the console shows every instant in the site's time zone, whatever the browser's zone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDateTime, formatDay, formatDuration } from '../../renderer/src/dates.ts';

describe('renderer dates', () => {
  const instant = '2026-03-01T23:30:00.000Z';
  // ICU versions differ on which space sits before AM/PM (U+0020 or U+202F): compare words only.
  const words = (s: string) => s.replace(/\s+/g, ' ');

  it('STA-1: formats an instant in the site time zone', () => {
    assert.equal(words(formatDateTime(instant, 'en', 'Asia/Tokyo')), 'Mar 2, 2026, 8:30 AM');
    assert.equal(words(formatDateTime(instant, 'en', 'America/New_York')), 'Mar 1, 2026, 6:30 PM');
    assert.equal(words(formatDateTime(instant, 'fr', 'Europe/Paris')), '2 mars 2026, 00:30');
  });

  it('falls back to the browser zone for an unknown zone, and shows nothing for no date', () => {
    assert.notEqual(formatDateTime(instant, 'en', 'Not/AZone'), '');
    assert.equal(formatDateTime(null, 'en', 'UTC'), '');
  });

  it('a calendar day stays the same day in every zone', () => {
    assert.equal(formatDay('2031-12-31', 'en'), 'Dec 31, 2031');
  });

  it('durations read as m:ss or h:mm:ss', () => {
    assert.equal(formatDuration(59), '0:59');
    assert.equal(formatDuration(3600 + 62), '1:01:02');
  });
});

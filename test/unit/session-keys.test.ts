import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CidTracker } from '../../src/broker/services/live-session.ts';
import { formatSessionKey, normaliseSessionKey } from '../../src/broker/services/session-keys.ts';

describe('session keys and message numbers', () => {
  it('POR-3: keys are read aloud in groups of three and typed with or without separators', () => {
    assert.equal(formatSessionKey('123456789'), '123 456 789');
    assert.equal(normaliseSessionKey('123 456 789'), '123456789');
    assert.equal(normaliseSessionKey('123-456-789'), '123456789');
    assert.equal(normaliseSessionKey(' 123456789 '), '123456789');
    assert.equal(normaliseSessionKey('12345678'), null);
    assert.equal(normaliseSessionKey('12345678a'), null);
    assert.equal(normaliseSessionKey('１２３４５６７８９'), null, 'only ASCII digits');
  });

  it('recognises a resent message and refuses an unknown replay', () => {
    const t = new CidTracker();
    assert.equal(t.check(1), null);
    t.record(1, 10);
    assert.equal(t.check(1), 10, 'a resend gets the event it produced');
    assert.equal(t.check(5), null, 'gaps are allowed');
    t.record(5, 11);
    assert.throws(() => t.check(3), /already used/);
  });
});

// Bad input never crashes and never half-writes: each gets a clear 4xx with a code (issue 2).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiClient, type TestBroker, brokerWithAdmin } from '../support/broker.ts';

describe('bad input', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  brokerWithAdmin((b, a) => ((broker = b), (admin = a)));

  async function userCount(): Promise<number> {
    return (await admin.get('/api/v1/users')).body.users.length;
  }

  it('USR-2: malformed JSON is a 400 bad_request', async () => {
    const res = await admin.request('POST', '/api/v1/users', undefined, { raw: '{"username": "x", ' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'bad_request');
  });

  it('USR-2: a wrong content type is refused with a code', async () => {
    const res = await admin.request('POST', '/api/v1/users', undefined, { raw: 'username=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(res.status, 415);
    assert.equal(res.body.error.code, 'bad_request');
  });

  it('USR-2: unknown fields, missing fields and wrong types are validation_failed naming the field', async () => {
    const before = await userCount();
    const cases: [unknown, RegExp][] = [
      [{ username: 'a', displayName: 'A', password: 'Val!d1234', isRoot: true }, /isRoot|Unrecognized/i],
      [{ displayName: 'A', password: 'Val!d1234' }, /username/],
      [{ username: 42, displayName: 'A', password: 'Val!d1234' }, /username/],
      [{ username: 'a', displayName: 'A', password: 'Val!d1234', permissions: { administrator: 'yes' } }, /permissions/],
      [{ username: 'a', displayName: 'A', password: 'Val!d1234', permissions: { superpower: true } }, /permissions|Unrecognized/i],
      [{ username: 'a', displayName: 'A', password: 'Val!d1234', passwordExpiresOn: '2024-02-31x' }, /passwordExpiresOn/],
      [[1, 2, 3], /body/],
      ['"just a string"', /body/],
    ];
    for (const [body, field] of cases) {
      const res = typeof body === 'string'
        ? await admin.request('POST', '/api/v1/users', undefined, { raw: body })
        : await admin.post('/api/v1/users', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'validation_failed', JSON.stringify(body));
      assert.match(res.body.error.message + JSON.stringify(res.body.error.details ?? ''), field, JSON.stringify(body));
    }
    assert.equal(await userCount(), before, 'nothing was written');
  });

  it('USR-6: very long strings and control characters are refused', async () => {
    const cases = [
      { username: 'x'.repeat(65), displayName: 'A', password: 'Val!d1234' },
      { username: 'longname', displayName: 'A'.repeat(101), password: 'Val!d1234' },
      { username: 'ctrl', displayName: 'Bell\u0007Name', password: 'Val!d1234' },
      { username: 'newline', displayName: 'Two\nLines', password: 'Val!d1234' },
      { username: 'bad name', displayName: 'A', password: 'Val!d1234' },
      { username: 'nul', displayName: 'A', password: 'Val!d\u00001234' },
      { username: 'pw', displayName: 'A', password: 'P!1a'.repeat(100) },
    ];
    for (const body of cases) {
      const res = await admin.post('/api/v1/users', body);
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
      assert.equal(res.body.error.code, 'validation_failed');
    }
  });

  it('USR-6: HTML and SQL metacharacters in names are stored and returned verbatim', async () => {
    const displayName = `<script>alert("x")</script> O'Brien; DROP TABLE users; --`;
    const res = await admin.post('/api/v1/users', { username: "o.brien", displayName, password: 'Val!d1234' });
    assert.equal(res.status, 201);
    const got = await admin.get(`/api/v1/users/${res.body.id}`);
    assert.equal(got.body.displayName, displayName);
    assert.ok((await userCount()) >= 2, 'the users table is still there');
  });

  it('USR-2: an oversized body is a 413 body_too_large', async () => {
    const res = await admin.request('POST', '/api/v1/users', undefined, { raw: JSON.stringify({ username: 'big', displayName: 'x'.repeat(100_000), password: 'Val!d1234' }) });
    assert.equal(res.status, 413);
    assert.equal(res.body.error.code, 'body_too_large');
  });

  it('USR-2: bad ids in the path are validation_failed, unknown ids not_found', async () => {
    for (const id of ['abc', '-1', '1.5', '99999999999999999999', "1'--"]) {
      const res = await admin.get(`/api/v1/users/${encodeURIComponent(id)}`);
      assert.equal(res.status, 400, id);
      assert.equal(res.body.error.code, 'validation_failed');
    }
    const missing = await admin.get('/api/v1/users/424242');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'not_found');
    assert.equal((await admin.patch('/api/v1/users/424242', { displayName: 'x' })).status, 404);
  });

  it('LOG-1: a login with wrong types or extra fields is refused before any check', async () => {
    const anon = new ApiClient(broker);
    for (const body of [{ username: ['admin'], password: 'x' }, { username: 'admin' }, { username: 'admin', password: 'x', admin: true }, { username: 'admin', password: 'x', client: 'toaster' }]) {
      const res = await anon.post('/api/v1/auth/login', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'validation_failed');
    }
    await anon.close();
  });

  it('STA-1: site settings with wrong types or out-of-range values are refused whole', async () => {
    const before = (await admin.get('/api/v1/site/status')).body.settings;
    for (const body of [{ lockoutThreshold: 0 }, { lockoutMinutes: 'ten' }, { passwordResetEnabled: 'yes' }, { timeZone: 'Europe/Paris', lockoutThreshold: -3 }]) {
      const res = await admin.patch('/api/v1/site/settings', body);
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    assert.deepEqual((await admin.get('/api/v1/site/status')).body.settings, before);
  });

  it('USR-3: a search with control characters is refused; one with wildcards is literal', async () => {
    assert.equal((await admin.get(`/api/v1/users?q=${encodeURIComponent('a\u0000b')}`)).status, 400);
    assert.equal((await admin.get(`/api/v1/users?q=${encodeURIComponent('%')}`)).body.users.length, 0);
    assert.equal((await admin.get(`/api/v1/users?extra=1`)).status, 400);
  });
});

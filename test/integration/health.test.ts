import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiClient, startTestBroker, type TestBroker } from '../support/broker.ts';

describe('broker basics', () => {
  let broker: TestBroker;
  let api: ApiClient;
  before(async () => {
    broker = await startTestBroker();
    api = new ApiClient(broker);
  });
  after(async () => {
    await api.close();
    await broker.stop();
  });

  it('answers /api/health over HTTPS with ok: true', async () => {
    const res = await api.get('/api/health');
    assert.equal(res.status, 200);
    assert.equal(res.body.ok, true);
  });

  it('serves the OpenAPI 3.1 document with the console operations', async () => {
    const res = await api.get('/api/v1/openapi.json');
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, '3.1.0');
    const ids = Object.values(res.body.paths as Record<string, Record<string, { operationId?: string }>>)
      .flatMap((ops) => Object.values(ops).map((o) => o.operationId))
      .filter(Boolean);
    for (const id of ['login', 'logout', 'me', 'changePassword', 'updateMyProfile', 'requestPasswordReset', 'resetPasswordWithAnswer',
      'listUsers', 'createUser', 'getUser', 'updateUser', 'deleteUser', 'resetFailedLogins', 'getSiteStatus',
      'updateSiteSettings', 'listLoggedInReps', 'terminateRep']) {
      assert.ok(ids.includes(id), `operationId ${id} missing`);
    }
  });

  it('CON-11: every OpenAPI operation says which security it needs; public ones need none', async () => {
    const doc = (await api.get('/api/v1/openapi.json')).body as {
      components: { securitySchemes: Record<string, unknown> };
      paths: Record<string, Record<string, { operationId?: string; security?: Array<Record<string, string[]>> }>>;
    };
    const schemes = Object.keys(doc.components.securitySchemes);
    const publicOps = new Set<string>();
    let count = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        count++;
        const where = `${method.toUpperCase()} ${path} (${op.operationId ?? 'no id'})`;
        assert.ok(Array.isArray(op.security), `${where} has no security`);
        if (op.security.length === 0) publicOps.add(op.operationId ?? where);
        for (const requirement of op.security) {
          for (const name of Object.keys(requirement)) assert.ok(schemes.includes(name), `${where} names unknown scheme ${name}`);
        }
        if (op.security.length > 0) {
          assert.deepEqual(op.security, [{ cookie: [] }, { bearer: [] }], `${where}: cookie or bearer`);
        }
      }
    }
    assert.ok(count > 30, `only ${count} operations`);
    // Public operations must really answer without credentials, and a protected one must not.
    for (const id of ['login', 'requestPasswordReset']) assert.ok(publicOps.has(id), `${id} should be public`);
    for (const id of ['me', 'listUsers', 'getSiteStatus']) assert.ok(!publicOps.has(id), `${id} should need a login`);
    for (const [path, ops] of Object.entries(doc.paths)) {
      const get = ops.get;
      if (!get?.security || /\{/.test(path)) continue;
      const res = await api.get(path.startsWith('/api') ? path : `/api/v1${path}`);
      if (get.security.length === 0) assert.notEqual(res.status, 401, `GET ${path} is declared public but asks for a login`);
      else assert.equal(res.status, 401, `GET ${path} is declared protected but answered ${res.status}`);
    }
  });

  it('answers unknown routes with a JSON not_found error', async () => {
    const res = await api.get('/api/v1/nope');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'not_found');
  });
});

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

  it('answers unknown routes with a JSON not_found error', async () => {
    const res = await api.get('/api/v1/nope');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'not_found');
  });
});

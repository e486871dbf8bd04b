// User administration through the REST API, with its permission checks (USR-1..14).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiClient, createRep, type TestBroker, brokerWithAdmin } from '../support/broker.ts';

describe('users', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  brokerWithAdmin((b, a) => ((broker = b), (admin = a)));

  it('USR-2, USR-6, USR-8..13, CON-7: creates a user with every field and permission, and reads it back', async () => {
    const permissions = {
      administrator: false, viewReports: true, jumpClients: true, localRdp: true, jumpStartAll: true, jumpManageAll: true,
      screenSharing: true, annotations: false, fileTransfer: false, shell: true, elevation: true, attachJumpClients: true,
      promptAttended: 'never', promptUnattended: 'always',
    };
    const created = await admin.post('/api/v1/users', {
      username: 'camille', displayName: 'Camille Dupont', password: 'Cam!lle2024', displayNumber: 7,
      passwordExpiresOn: '2099-12-31', securityQuestion: 'Ville natale ?', securityAnswer: 'Lyon',
      mustChangePassword: true, permissions,
    });
    assert.equal(created.status, 201);
    const got = await admin.get(`/api/v1/users/${created.body.id}`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body.permissions, permissions);
    assert.equal(got.body.displayNumber, 7);
    assert.equal(got.body.passwordExpiresOn, '2099-12-31');
    assert.equal(got.body.hasSecurityQuestion, true);
    assert.equal(got.body.mustChangePassword, true);
    assert.equal(got.body.lastAuthenticatedAt, null);
    assert.equal('passwordHash' in got.body, false, 'hashes never leave the broker');
    assert.equal('securityAnswerHash' in got.body, false);
  });

  it('USR-7: shows the date of last authentication after a login', async () => {
    const rep = await createRep(admin);
    const got = await admin.get(`/api/v1/users/${rep.id}`);
    assert.ok(got.body.lastAuthenticatedAt);
    assert.ok(Date.now() - Date.parse(got.body.lastAuthenticatedAt) < 60_000);
    await rep.api.close();
  });

  it('USR-1, USR-3: lists all users and searches by username and display name, case-insensitively', async () => {
    await admin.post('/api/v1/users', { username: 'dominique', displayName: 'Dominique Lefèvre', password: 'Dom!nique1' });
    await admin.post('/api/v1/users', { username: 'eve', displayName: 'Ève 100%_sure', password: 'Eve!sure123' });
    const all = await admin.get('/api/v1/users');
    assert.ok(all.body.users.length >= 3);
    const byName = await admin.get('/api/v1/users?q=DOMIN');
    assert.deepEqual(byName.body.users.map((u: any) => u.username), ['dominique']);
    const byDisplay = await admin.get(`/api/v1/users?q=${encodeURIComponent('lefèvre')}`);
    assert.deepEqual(byDisplay.body.users.map((u: any) => u.username), ['dominique']);
    const percent = await admin.get(`/api/v1/users?q=${encodeURIComponent('%_')}`);
    assert.deepEqual(percent.body.users.map((u: any) => u.username), ['eve'], 'LIKE wildcards match literally');
    const sql = await admin.get(`/api/v1/users?q=${encodeURIComponent("' OR 1=1 --")}`);
    assert.equal(sql.status, 200);
    assert.deepEqual(sql.body.users, []);
  });

  it('USR-2: edits fields, permissions and password; a changed password ends the user\'s sessions', async () => {
    const rep = await createRep(admin);
    const upd = await admin.patch(`/api/v1/users/${rep.id}`, {
      displayName: 'Renamed', permissions: { viewReports: true }, password: 'Brand!New99', passwordExpiresOn: null,
    });
    assert.equal(upd.status, 200);
    assert.equal(upd.body.displayName, 'Renamed');
    assert.equal(upd.body.permissions.viewReports, true);
    assert.equal(upd.body.permissions.screenSharing, true, 'other permissions unchanged');
    assert.equal((await rep.api.get('/api/v1/me')).status, 401);
    const relog = new ApiClient(broker);
    assert.equal((await relog.login(rep.username, 'Brand!New99')).status, 200);
    await relog.close();
    await rep.api.close();
  });

  it('USR-6: usernames are unique, case-insensitively', async () => {
    const res = await admin.post('/api/v1/users', { username: 'CAMILLE', displayName: 'Other', password: 'Cam!lle2024' });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'conflict');
    const rep = await createRep(admin);
    const rename = await admin.patch(`/api/v1/users/${rep.id}`, { username: 'Camille' });
    assert.equal(rename.status, 409);
    await rep.api.close();
  });

  it('USR-12: attaching Jump Clients requires the all-groups Jump right', async () => {
    const res = await admin.post('/api/v1/users', {
      username: 'jumper', displayName: 'J', password: 'Jump!er123', permissions: { attachJumpClients: true, jumpManageAll: false },
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'validation_failed');
    assert.match(res.body.error.message, /all Jump groups/);
  });

  it('ACC-3: a weak password is refused when an admin creates a user, with the reasons', async () => {
    const res = await admin.post('/api/v1/users', { username: 'weakling', displayName: 'W', password: 'password' });
    assert.equal(res.status, 422);
    assert.deepEqual(res.body.error.details.failures, ['uppercase', 'digit', 'special']);
    assert.equal((await admin.get('/api/v1/users?q=weakling')).body.users.length, 0, 'nothing half-written');
  });

  it('USR-4: a user cannot delete their own account (nor disable it or drop their own admin right)', async () => {
    const me = await admin.get('/api/v1/me');
    const id = me.body.user.id;
    const del = await admin.delete(`/api/v1/users/${id}`);
    assert.equal(del.status, 409);
    assert.equal(del.body.error.code, 'own_account');
    assert.equal((await admin.patch(`/api/v1/users/${id}`, { disabled: true })).body.error.code, 'own_account');
    assert.equal((await admin.patch(`/api/v1/users/${id}`, { permissions: { administrator: false } })).body.error.code, 'own_account');
    assert.equal((await admin.get(`/api/v1/users/${id}`)).status, 200);
  });

  it('USR-2: deletes another user, whose sessions end at once', async () => {
    const rep = await createRep(admin);
    const del = await admin.delete(`/api/v1/users/${rep.id}`);
    assert.equal(del.status, 200);
    assert.equal((await admin.get(`/api/v1/users/${rep.id}`)).status, 404);
    assert.equal((await rep.api.get('/api/v1/me')).status, 401);
    assert.equal((await admin.delete(`/api/v1/users/${rep.id}`)).status, 404);
    await rep.api.close();
  });

  it('USR-14: a non-admin cannot call any admin operation', async () => {
    const rep = await createRep(admin, { permissions: { viewReports: true, jumpManageAll: true, attachJumpClients: true } });
    const calls: [string, string, unknown?][] = [
      ['GET', '/api/v1/users'],
      ['POST', '/api/v1/users', { username: 'sneaky', displayName: 'S', password: 'Sneak!y123' }],
      ['GET', '/api/v1/users/1'],
      ['PATCH', '/api/v1/users/1', { displayName: 'pwned' }],
      ['PATCH', `/api/v1/users/${rep.id}`, { permissions: { administrator: true } }],
      ['DELETE', '/api/v1/users/1'],
      ['POST', '/api/v1/users/1/reset-failed-logins', {}],
      ['PATCH', '/api/v1/site/settings', { timeZone: 'Europe/Paris' }],
      ['DELETE', '/api/v1/site/reps/abc'],
    ];
    for (const [method, path, body] of calls) {
      const res = await rep.api.request(method, path, body);
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.equal(res.body.error.code, 'forbidden', `${method} ${path}`);
    }
    assert.equal((await admin.get('/api/v1/users/1')).body.displayName, 'Administrator');
    assert.equal((await rep.api.get('/api/v1/site/status')).status, 200, 'reps may read the site status');
    await rep.api.close();
  });

  it('USR-14: anonymous callers get unauthenticated on every protected operation', async () => {
    const anon = new ApiClient(broker);
    for (const [method, path] of [['GET', '/api/v1/users'], ['GET', '/api/v1/me'], ['GET', '/api/v1/site/status'], ['GET', '/api/v1/site/reps'], ['POST', '/api/v1/auth/logout']]) {
      const res = await anon.request(method!, path!, method === 'POST' ? {} : undefined);
      assert.equal(res.status, 401, `${method} ${path}`);
      assert.equal(res.body.error.code, 'unauthenticated');
    }
    await anon.close();
  });
});

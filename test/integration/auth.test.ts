// Login, first-login password change, lockout, expiry, reset, sessions, licence limit — against a real broker.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADMIN_PASSWORD, ApiClient, adminClient, createRep, startTestBroker, type TestBroker, brokerWithAdmin } from '../support/broker.ts';

describe('authentication', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };
  brokerWithAdmin((b, a) => ((broker = b), (admin = a)), { clock });

  it('LOG-2: the first login as admin/password must change the password before anything else', async () => {
    const fresh = await startTestBroker();
    const api = new ApiClient(fresh);
    try {
      const login = await api.login('admin', 'password');
      assert.equal(login.status, 200);
      assert.equal(login.body.passwordChangeRequired, true);
      const users = await api.get('/api/v1/users');
      assert.equal(users.status, 403);
      assert.equal(users.body.error.code, 'password_change_required');
      const me = await api.get('/api/v1/me');
      assert.equal(me.status, 200, 'me stays readable so the console can show the change form');
      const changed = await api.post('/api/v1/me/password', { currentPassword: 'password', newPassword: ADMIN_PASSWORD });
      assert.equal(changed.status, 200);
      assert.equal(changed.body.mustChangePassword, false);
      assert.equal((await api.get('/api/v1/users')).status, 200);
    } finally {
      await api.close();
      await fresh.stop();
    }
  });

  it('LOG-1: a wrong password and an unknown user get the same invalid_credentials answer', async () => {
    const api = new ApiClient(broker);
    const wrong = await api.login('admin', 'nope');
    const unknown = await api.login('nobody-here', 'nope');
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.body, unknown.body);
    assert.equal(wrong.body.error.code, 'invalid_credentials');
    await admin.post(`/api/v1/users/1/reset-failed-logins`);
    await api.close();
  });

  it('LOG-1: the browser session cookie is HttpOnly, Secure and SameSite=Strict; desktop gets a bearer token', async () => {
    const rep = await createRep(admin);
    const res = await rep.api.request('POST', '/api/v1/auth/login', { username: rep.username, password: rep.password });
    const cookie = res.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^__Host-passerelle=/);
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /Secure/i);
    assert.match(cookie, /SameSite=Strict/i);
    assert.equal(res.body.token, undefined, 'browsers never see the token');
    const desktop = new ApiClient(broker);
    const d = await desktop.login(rep.username, rep.password, 'desktop');
    assert.equal(typeof d.body.token, 'string');
    assert.equal(d.headers.get('set-cookie'), null);
    assert.equal((await desktop.get('/api/v1/me')).body.user.username, rep.username);
    assert.equal((await desktop.post('/api/v1/auth/logout')).status, 200, 'bearer requests need no CSRF token');
    assert.equal((await desktop.get('/api/v1/me')).status, 401);
    await desktop.close();
    await rep.api.close();
  });

  it('LOG-1: a cookie session refuses unsafe requests without the CSRF token', async () => {
    const rep = await createRep(admin);
    const noToken = await rep.api.request('PATCH', '/api/v1/me', { displayName: 'X' }, { headers: { 'x-csrf-token': 'wrong' } });
    assert.equal(noToken.status, 403);
    assert.equal(noToken.body.error.code, 'csrf_failed');
    const ok = await rep.api.patch('/api/v1/me', { displayName: 'Rep with token' });
    assert.equal(ok.status, 200);
    await rep.api.close();
  });

  it('LOG-4: failed logins are counted, lock the account, and an admin reset unlocks it (USR-5)', async () => {
    await admin.patch('/api/v1/site/settings', { lockoutThreshold: 3, lockoutMinutes: 10 });
    const rep = await createRep(admin);
    const api = new ApiClient(broker);
    for (let i = 0; i < 3; i++) assert.equal((await api.login(rep.username, 'Wrong!Pass1')).status, 401);
    const view = await admin.get(`/api/v1/users/${rep.id}`);
    assert.equal(view.body.failedLogins, 3);
    assert.ok(view.body.lockedUntil);
    const locked = await api.login(rep.username, rep.password);
    assert.equal(locked.status, 423);
    assert.equal(locked.body.error.code, 'account_locked');
    const reset = await admin.post(`/api/v1/users/${rep.id}/reset-failed-logins`);
    assert.equal(reset.body.failedLogins, 0);
    assert.equal(reset.body.lockedUntil, null);
    assert.equal((await api.login(rep.username, rep.password)).status, 200);
    await admin.patch('/api/v1/site/settings', { lockoutThreshold: 5, lockoutMinutes: 15 });
    await api.close();
    await rep.api.close();
  });

  it('LOG-4: a lockout ends by itself after the lockout time', async () => {
    await admin.patch('/api/v1/site/settings', { lockoutThreshold: 2, lockoutMinutes: 5 });
    const rep = await createRep(admin);
    const api = new ApiClient(broker);
    await api.login(rep.username, 'bad');
    await api.login(rep.username, 'bad');
    assert.equal((await api.login(rep.username, rep.password)).status, 423);
    clock.offsetMs += 6 * 60_000;
    try {
      assert.equal((await api.login(rep.username, rep.password)).status, 200);
    } finally {
      clock.offsetMs = 0;
      await admin.patch('/api/v1/site/settings', { lockoutThreshold: 5, lockoutMinutes: 15 });
    }
    await api.close();
    await rep.api.close();
  });

  it('USR-7: a disabled account cannot log in, and disabling ends its sessions', async () => {
    const rep = await createRep(admin);
    assert.equal((await rep.api.get('/api/v1/me')).status, 200);
    await admin.patch(`/api/v1/users/${rep.id}`, { disabled: true });
    assert.equal((await rep.api.get('/api/v1/me')).status, 401);
    const again = new ApiClient(broker);
    const res = await again.login(rep.username, rep.password);
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'account_disabled');
    assert.ok((await admin.get(`/api/v1/users/${rep.id}`)).body, 'disabled, not deleted');
    await again.close();
    await rep.api.close();
  });

  it('USR-6: an expired password must be changed at login, then the expiry is cleared', async () => {
    const rep = await createRep(admin, { passwordExpiresOn: '2001-01-01' });
    const res = await rep.api.get('/api/v1/users');
    assert.equal(res.status, 403);
    const me = await rep.api.get('/api/v1/me');
    assert.equal(me.body.passwordChangeRequired, true);
    assert.equal((await rep.api.patch('/api/v1/me', { displayName: 'no' })).body.error.code, 'password_change_required');
    const changed = await rep.api.post('/api/v1/me/password', { currentPassword: rep.password, newPassword: 'Fresh!Pass2' });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.passwordExpiresOn, null);
    assert.equal((await rep.api.get('/api/v1/me')).body.passwordChangeRequired, false);
    await rep.api.close();
  });

  it('ACC-3: changing one\'s password needs the current one and follows the policy', async () => {
    const rep = await createRep(admin);
    const wrong = await rep.api.post('/api/v1/me/password', { currentPassword: 'nope', newPassword: 'Good!Pass9' });
    assert.equal(wrong.body.error.code, 'wrong_password');
    const weak = await rep.api.post('/api/v1/me/password', { currentPassword: rep.password, newPassword: 'weakpass' });
    assert.equal(weak.status, 422);
    assert.equal(weak.body.error.code, 'password_policy');
    assert.deepEqual(weak.body.error.details.failures, ['uppercase', 'digit', 'special']);
    const same = await rep.api.post('/api/v1/me/password', { currentPassword: rep.password, newPassword: rep.password });
    assert.equal(same.body.error.code, 'password_policy');
    const other = new ApiClient(broker);
    await other.login(rep.username, rep.password);
    const ok = await rep.api.post('/api/v1/me/password', { currentPassword: rep.password, newPassword: 'Good!Pass9' });
    assert.equal(ok.status, 200);
    assert.equal((await other.get('/api/v1/me')).status, 401, 'other sessions end when the password changes');
    assert.equal((await rep.api.get('/api/v1/me')).status, 200, 'this session continues');
    await other.close();
    await rep.api.close();
  });

  it('ACC-4, ACC-5: one changes one\'s display name, and the security Q&A only with the current password', async () => {
    const rep = await createRep(admin);
    const name = await rep.api.patch('/api/v1/me', { displayName: 'Zoé Martin' });
    assert.equal(name.body.displayName, 'Zoé Martin');
    const noPw = await rep.api.patch('/api/v1/me', { securityQuestion: 'Pet?', securityAnswer: 'Rex' });
    assert.equal(noPw.body.error.code, 'wrong_password');
    const qa = await rep.api.patch('/api/v1/me', { securityQuestion: 'Pet?', securityAnswer: 'Rex', currentPassword: rep.password });
    assert.equal(qa.status, 200);
    assert.equal(qa.body.securityQuestion, 'Pet?');
    const noAnswer = await rep.api.patch('/api/v1/me', { securityQuestion: 'Another?', currentPassword: rep.password });
    assert.equal(noAnswer.body.error.code, 'validation_failed');
    await rep.api.close();
  });

  it('LOG-3: reset by security answer only when enabled, never for administrators, only with a Q&A set', async () => {
    const rep = await createRep(admin, { securityQuestion: 'First school?', securityAnswer: '  Jules   Ferry ' });
    const noQa = await createRep(admin);
    const anon = new ApiClient(broker);
    const disabled = await anon.post('/api/v1/auth/password-reset', { username: rep.username });
    assert.equal(disabled.status, 404);
    assert.equal(disabled.body.error.code, 'reset_unavailable');
    await admin.patch('/api/v1/site/settings', { passwordResetEnabled: true });
    try {
      assert.equal((await anon.get('/api/v1/site/public')).body.passwordResetEnabled, true);
      const q = await anon.post('/api/v1/auth/password-reset', { username: rep.username });
      assert.equal(q.body.securityQuestion, 'First school?');
      for (const username of ['admin', noQa.username, 'ghost']) {
        const r = await anon.post('/api/v1/auth/password-reset', { username });
        assert.equal(r.body.error?.code, 'reset_unavailable', username);
      }
      const bad = await anon.post('/api/v1/auth/password-reset/answer', { username: rep.username, answer: 'Victor Hugo', newPassword: 'New!Pass77' });
      assert.equal(bad.body.error.code, 'invalid_credentials');
      const weak = await anon.post('/api/v1/auth/password-reset/answer', { username: rep.username, answer: 'jules ferry', newPassword: 'short' });
      assert.equal(weak.body.error.code, 'password_policy');
      const ok = await anon.post('/api/v1/auth/password-reset/answer', { username: rep.username, answer: 'JULES FERRY', newPassword: 'New!Pass77' });
      assert.equal(ok.status, 200);
      assert.equal((await rep.api.get('/api/v1/me')).status, 401, 'existing sessions end');
      assert.equal((await anon.login(rep.username, 'New!Pass77')).status, 200);
      const adminReset = await anon.post('/api/v1/auth/password-reset/answer', { username: 'admin', answer: 'x', newPassword: 'New!Pass77' });
      assert.equal(adminReset.body.error.code, 'reset_unavailable');
    } finally {
      await admin.patch('/api/v1/site/settings', { passwordResetEnabled: false });
    }
    await anon.close();
    await rep.api.close();
    await noQa.api.close();
  });

  it('STA-3: a rep beyond the named-user licence count cannot log in; an admin still can', async () => {
    const small = await startTestBroker({ licences: { namedUsers: 2, jumpClients: 5 } });
    const boss = await adminClient(small);
    const clients: ApiClient[] = [boss];
    const client = () => {
      const c = new ApiClient(small);
      clients.push(c);
      return c;
    };
    try {
      for (const username of ['alice', 'bruno']) {
        const res = await boss.post('/api/v1/users', { username, displayName: username, password: 'Rep!Passw0rd1' });
        assert.equal(res.status, 201);
      }
      const alice = client();
      assert.equal((await alice.login('alice', 'Rep!Passw0rd1')).status, 200);
      const refused = await client().login('bruno', 'Rep!Passw0rd1');
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error.code, 'licence_limit_reached');
      const status = await boss.get('/api/v1/site/status');
      assert.deepEqual(
        [status.body.licences.namedUsersAllowed, status.body.licences.namedUsersInUse],
        [2, 2],
      );
      const aliceAgain = client();
      assert.equal((await aliceAgain.login('alice', 'Rep!Passw0rd1')).status, 200, 'a rep who holds a licence logs in again');
      assert.equal((await client().login('admin', ADMIN_PASSWORD)).status, 200, 'administrators always get in');
      await alice.post('/api/v1/auth/logout');
      await aliceAgain.post('/api/v1/auth/logout');
      assert.equal((await client().login('bruno', 'Rep!Passw0rd1')).status, 200, 'a freed licence can be used');
    } finally {
      for (const c of clients) await c.close();
      await small.stop();
    }
  });

  it('LOG-4: logins are rate limited per address', async () => {
    const limited = await startTestBroker({ loginRateLimit: { max: 3, timeWindow: 60_000 } });
    const api = new ApiClient(limited);
    try {
      for (let i = 0; i < 3; i++) assert.equal((await api.login('x', 'y')).status, 401);
      const res = await api.login('x', 'y');
      assert.equal(res.status, 429);
      assert.equal(res.body.error.code, 'rate_limited');
    } finally {
      await api.close();
      await limited.stop();
    }
  });
});

// Two-step verification (LOG-5): optional per user, required per site, codes used once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { totpCodeAt } from '../../src/broker/services/totp.ts';
import { ApiClient, createRep, type TestBroker, brokerWithAdmin } from '../support/broker.ts';

describe('two-step verification', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };
  /** Moves the broker's clock to the next 30 s step, so a fresh code is not a replay. */
  const nextStep = () => (clock.offsetMs += 30_000);
  brokerWithAdmin((b, a) => ((broker = b), (admin = a)), { clock });

  async function enrol(api: ApiClient, password: string): Promise<string> {
    const setup = await api.post('/api/v1/me/totp/setup', { currentPassword: password });
    assert.equal(setup.status, 200);
    assert.match(setup.body.otpauthUri, /^otpauth:\/\/totp\/Passerelle:/);
    assert.match(setup.body.qrSvg, /^<svg/);
    const confirmed = await api.post('/api/v1/me/totp/confirm', { code: totpCodeAt(setup.body.secret, clock.now()) });
    assert.equal(confirmed.status, 200);
    assert.equal(confirmed.body.totpEnabled, true);
    return setup.body.secret as string;
  }

  it('LOG-5: a user turns it on; then a login needs a code, which works once only', async () => {
    const rep = await createRep(admin);
    await assert.rejects(
      rep.api.post('/api/v1/me/totp/setup', { currentPassword: 'wrong' }).then((r) => {
        if (r.status !== 200) throw new Error(r.body.error.code);
      }),
      /wrong_password/,
    );
    const secret = await enrol(rep.api, rep.password);
    const api = new ApiClient(broker);
    const noCode = await api.login(rep.username, rep.password);
    assert.equal(noCode.status, 401);
    assert.equal(noCode.body.error.code, 'totp_required');
    nextStep();
    const code = totpCodeAt(secret, clock.now());
    const wrong = await api.post('/api/v1/auth/login', { username: rep.username, password: rep.password, totpCode: code === '000000' ? '111111' : '000000' });
    assert.equal(wrong.body.error.code, 'totp_invalid');
    const ok = await api.post('/api/v1/auth/login', { username: rep.username, password: rep.password, totpCode: code });
    assert.equal(ok.status, 200);
    const replay = await new ApiClient(broker).post('/api/v1/auth/login', { username: rep.username, password: rep.password, totpCode: code });
    assert.equal(replay.body.error.code, 'totp_invalid', 'a code is accepted once');
    const view = await admin.get(`/api/v1/users/${rep.id}`);
    assert.equal(view.body.totpEnabled, true);
    assert.equal(view.body.failedLogins, 1, 'the replayed code counted as a failure (the good login had reset the count)');
    await api.close();
    await rep.api.close();
  });

  it('LOG-5: a user turns it off with password and code; an admin resets a lost one', async () => {
    const rep = await createRep(admin);
    const secret = await enrol(rep.api, rep.password);
    nextStep();
    const bad = await rep.api.post('/api/v1/me/totp/disable', { currentPassword: 'nope', code: totpCodeAt(secret, clock.now()) });
    assert.equal(bad.body.error.code, 'wrong_password');
    nextStep();
    const off = await rep.api.post('/api/v1/me/totp/disable', { currentPassword: rep.password, code: totpCodeAt(secret, clock.now()) });
    assert.equal(off.status, 200);
    assert.equal(off.body.totpEnabled, false);

    await enrol(rep.api, rep.password);
    const reset = await admin.patch(`/api/v1/users/${rep.id}`, { resetTotp: true });
    assert.equal(reset.body.totpEnabled, false);
    const api = new ApiClient(broker);
    assert.equal((await api.login(rep.username, rep.password)).status, 200);
    await api.close();
    await rep.api.close();
  });

  it('LOG-5: when the site requires it, an account without one must set it up before anything else', async () => {
    const rep = await createRep(admin);
    await admin.patch('/api/v1/site/settings', { totpRequired: true });
    try {
      const api = new ApiClient(broker);
      const login = await api.login(rep.username, rep.password);
      assert.equal(login.body.totpEnrollmentRequired, true);
      const blocked = await api.get('/api/v1/site/status');
      assert.equal(blocked.status, 403);
      assert.equal(blocked.body.error.code, 'totp_enrollment_required');
      const secret = await enrol(api, rep.password);
      assert.equal((await api.get('/api/v1/site/status')).status, 200);
      nextStep();
      const cannot = await api.post('/api/v1/me/totp/disable', { currentPassword: rep.password, code: totpCodeAt(secret, clock.now()) });
      assert.equal(cannot.status, 409, 'cannot turn it off while the site requires it');
      await api.close();
    } finally {
      await admin.patch('/api/v1/site/settings', { totpRequired: false });
    }
    await rep.api.close();
  });

  it('LOG-5: malformed codes are refused by validation', async () => {
    const api = new ApiClient(broker);
    for (const totpCode of ['12345', '1234567', 'abcdef', 123456]) {
      const res = await api.post('/api/v1/auth/login', { username: 'admin', password: 'x', totpCode });
      assert.equal(res.status, 400, String(totpCode));
    }
    await api.close();
  });
});

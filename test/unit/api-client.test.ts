// console-core's REST client against a fake fetch: the headers of each mode, response parsing
// with the protocol schemas, and the typed errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiClient, type FetchLike } from '../../src/console-core/api-client.ts';
import { ApiError, apiErrorOf } from '../../src/console-core/api-error.ts';
import { adminPermissions } from '../../src/protocol/users.ts';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

function fakeFetch(answer: (c: Call) => { status: number; body: unknown }) {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    const call = { url, method: init.method, headers: init.headers, ...(init.body ? { body: typeof init.body === 'string' ? init.body : Buffer.from(init.body).toString('latin1') } : {}) };
    calls.push(call);
    const { status, body } = answer(call);
    return { status, ok: status >= 200 && status < 300, text: async () => (typeof body === 'string' ? body : JSON.stringify(body)) };
  };
  return { fetch, calls };
}

const me = {
  id: 1,
  username: 'admin',
  displayName: 'Administrator',
  displayNumber: 1,
  permissions: adminPermissions,
  securityQuestion: null,
  mustChangePassword: false,
  passwordExpiresOn: null,
  lastAuthenticatedAt: null,
  totpEnabled: false,
};
const loginResult = { user: me, csrfToken: 'csrf-1', passwordChangeRequired: false, totpEnrollmentRequired: false, expiresAt: '2030-01-01T00:00:00Z' };

describe('console-core: API client', () => {
  it('browser mode: sends the CSRF token from login on unsafe requests only, never a bearer', async () => {
    const { fetch, calls } = fakeFetch((c) => (c.url.endsWith('/auth/login') ? { status: 200, body: loginResult } : { status: 200, body: { users: [] } }));
    const api = new ApiClient({ baseUrl: '', mode: 'browser', fetch });
    await api.login('admin', 'pw');
    assert.deepEqual(JSON.parse(calls[0]!.body!), { username: 'admin', password: 'pw', client: 'browser' });
    await api.listUsers('  bob ');
    await api.deleteUser(3).catch(() => undefined);
    assert.equal(calls[1]!.url, '/api/v1/users?q=bob');
    assert.equal(calls[1]!.headers['x-csrf-token'], undefined, 'GET needs no CSRF token');
    assert.equal(calls[2]!.headers['x-csrf-token'], 'csrf-1');
    assert.ok(calls.every((c) => !c.headers.authorization));
  });

  it('LOG-5: sends the authenticator code only when one is given', async () => {
    const { fetch, calls } = fakeFetch(() => ({ status: 200, body: loginResult }));
    const api = new ApiClient({ baseUrl: '', mode: 'browser', fetch });
    await api.login('admin', 'pw');
    await api.login('admin', 'pw', '123456');
    assert.equal('totpCode' in JSON.parse(calls[0]!.body!), false);
    assert.equal(JSON.parse(calls[1]!.body!).totpCode, '123456');
  });

  it('desktop mode: keeps the bearer token and sends it on every request', async () => {
    const { fetch, calls } = fakeFetch((c) =>
      c.url.endsWith('/auth/login') ? { status: 200, body: { ...loginResult, token: 'bearer-1' } } : { status: 200, body: { reps: [] } },
    );
    const api = new ApiClient({ baseUrl: 'https://site.example', mode: 'desktop', fetch });
    await api.login('admin', 'pw');
    assert.equal(api.token, 'bearer-1');
    await api.loggedInReps();
    assert.equal(calls[1]!.url, 'https://site.example/api/v1/site/reps');
    assert.equal(calls[1]!.headers.authorization, 'Bearer bearer-1');
    assert.equal(calls[1]!.headers['x-csrf-token'], undefined);
  });

  it('turns an error body into an ApiError with status, code and details', async () => {
    const { fetch } = fakeFetch(() => ({
      status: 422,
      body: { error: { code: 'password_policy', message: 'weak', details: { failures: ['uppercase', 'digit'] } } },
    }));
    const api = new ApiClient({ baseUrl: '', mode: 'browser', fetch });
    const err = await api.changePassword({ currentPassword: 'a', newPassword: 'b' }).catch((e: unknown) => e);
    assert.ok(err instanceof ApiError);
    assert.equal(err.status, 422);
    assert.equal(err.code, 'password_policy');
    assert.deepEqual(err.policyFailures, ['uppercase', 'digit']);
  });

  it('refuses a success answer that does not match the protocol schema', async () => {
    const { fetch } = fakeFetch(() => ({ status: 200, body: { users: [{ id: 'not a number' }] } }));
    const api = new ApiClient({ baseUrl: '', mode: 'browser', fetch });
    const err = await api.listUsers().catch((e: unknown) => e);
    assert.equal((err as ApiError).code, 'bad_response');
  });

  it('reports an unreachable site as network_error and a non-JSON answer as bad_response', async () => {
    const down = new ApiClient({ baseUrl: '', mode: 'browser', fetch: async () => Promise.reject(new TypeError('fetch failed')) });
    assert.equal(((await down.siteStatus().catch((e: unknown) => e)) as ApiError).code, 'network_error');
    const { fetch } = fakeFetch(() => ({ status: 502, body: '<html>Bad gateway</html>' }));
    const proxy = new ApiClient({ baseUrl: '', mode: 'browser', fetch });
    const err = (await proxy.siteStatus().catch((e: unknown) => e)) as ApiError;
    assert.equal(err.code, 'bad_response');
    assert.equal(err.status, 502);
  });

  it('forgets its secrets on logout even when the broker call fails', async () => {
    let step = 0;
    const { fetch, calls } = fakeFetch(() => (step++ === 0 ? { status: 200, body: { ...loginResult, token: 't' } } : { status: 401, body: { error: { code: 'unauthenticated', message: 'x' } } }));
    const api = new ApiClient({ baseUrl: '', mode: 'desktop', fetch });
    await api.login('a', 'b');
    await api.logout().catch(() => undefined);
    assert.equal(api.token, null);
    await api.siteStatus().catch(() => undefined);
    assert.equal(calls[2]!.headers.authorization, undefined);
  });

  it('apiErrorOf recognises the plain form an ApiError takes after Electron IPC', () => {
    const live = new ApiError(423, 'account_locked', 'locked', { lockedUntil: 'x' });
    const cloned = JSON.parse(JSON.stringify(live));
    assert.deepEqual(apiErrorOf(cloned), live.toJSON());
    assert.equal(apiErrorOf(new Error('plain')), null);
  });
});

describe('console-core: API client, lost sessions', () => {
  const unauthenticated = { status: 401, body: { error: { code: 'unauthenticated', message: 'gone' } } };

  it('reports a lost session once the client had one, but not for /me nor before login', async () => {
    let lost = 0;
    let loggedIn = false;
    const { fetch } = fakeFetch((c) => (c.url.endsWith('/auth/login') ? ((loggedIn = true), { status: 200, body: loginResult }) : unauthenticated));
    const api = new ApiClient({ baseUrl: '', mode: 'browser', fetch, onSessionLost: () => (lost += 1) });
    await api.siteStatus().catch(() => undefined);
    assert.equal(lost, 0, 'nobody was logged in');
    await api.login('a', 'b');
    assert.ok(loggedIn);
    await api.me().catch(() => undefined);
    assert.equal(lost, 0, '/me is how callers ask; it does not count');
    await api.login('a', 'b');
    await api.siteStatus().catch(() => undefined);
    assert.equal(lost, 1);
    await api.siteStatus().catch(() => undefined);
    assert.equal(lost, 1, 'the secrets are forgotten, so it is reported once');
  });
});

describe('console-core: API client, incomplete logins', () => {
  it('LOG-5: a call refused because two-step setup is due is reported, so the console can ask for it', async () => {
    let incomplete = 0;
    const { fetch } = fakeFetch((c) =>
      c.url.endsWith('/auth/login')
        ? { status: 200, body: loginResult }
        : { status: 403, body: { error: { code: 'totp_enrollment_required', message: 'set it up' } } },
    );
    const api = new ApiClient({ baseUrl: '', mode: 'browser', fetch, onLoginIncomplete: () => (incomplete += 1) });
    await api.login('a', 'b');
    const err = (await api.siteStatus().catch((e: unknown) => e)) as ApiError;
    assert.equal(err.code, 'totp_enrollment_required');
    assert.equal(incomplete, 1);
  });
});

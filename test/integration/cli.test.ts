// The `passerelle broker` process as an operator runs it: one line with URL and fingerprint,
// a working HTTPS health check pinned to that fingerprint, clean exit on SIGTERM, no secrets in logs.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { after, describe, it } from 'node:test';
import { ApiClient } from '../support/broker.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-cli-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

describe('passerelle broker (CLI)', () => {
  it('LOG-1, STA-4: prints its URL and fingerprint, serves HTTPS, restarts on request, logs no secrets, stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/passerelle.js', 'broker', '--data', dataDir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        const l = stdout.split('\n').find((x) => x.startsWith('Passerelle broker listening on'));
        if (l) resolve(l);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const m = /listening on (https:\/\/127\.0\.0\.1:\d+) \(certificate SHA-256 ([0-9A-F:]+)\)/.exec(line);
    assert.ok(m, line);
    const cert = readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8');
    assert.equal(new X509Certificate(cert).fingerprint256, m[2]);

    const api = new ApiClient({ url: m[1]!, certificate: cert });
    assert.equal((await api.get('/api/health')).body.ok, true);
    const login = await api.login('admin', 'password');
    assert.equal(login.body.passwordChangeRequired, true);
    await api.post('/api/v1/me/password', { currentPassword: 'password', newPassword: 'Sup3r!Secret-Value' });

    // STA-4: an administrator restarts the software; it comes back on the same address.
    const restarted = new Promise<string>((resolve) => {
      child.stdout.on('data', () => {
        const l = stdout.split('\n').find((x) => x.startsWith('Passerelle broker restarted on'));
        if (l) resolve(l);
      });
    });
    assert.equal((await api.post('/api/v1/site/restart', { confirm: true })).status, 202);
    assert.match(await restarted, new RegExp(`restarted on ${m[1]!.replace(/[.]/g, '\\.')} `));
    assert.equal((await api.get('/api/health')).body.ok, true);
    assert.equal((await api.get('/api/v1/me')).status, 200, 'login sessions survive a restart');
    await api.close();

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
    assert.match(stderr, /shutting down/);
    for (const secret of ['Sup3r!Secret-Value', login.body.csrfToken, api.cookie?.split('=')[1] ?? 'no-cookie']) {
      assert.equal(stderr.includes(secret), false, 'a secret reached the log');
    }
  });
});

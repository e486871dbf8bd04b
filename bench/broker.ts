// bench:broker — cold start to healthy (ms), idle RSS (MB), login requests/s, for the built
// broker process (dist/cli.js) on loopback. Progress on stderr, one JSON line on stdout.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { Agent, fetch } from 'undici';

const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-bench-'));
const log = (...a: unknown[]) => console.error('[bench:broker]', ...a);

function startBroker(): Promise<{ child: ChildProcess; url: string; t0: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['dist/cli.js', 'broker', '--data', dataDir, '--port', '0', '--log-level', 'warn', '--login-rate-limit', '1000000'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, t0 });
    });
    child.once('exit', (c) => reject(new Error(`broker exited ${c}`)));
  });
}

async function stop(child: ChildProcess) {
  child.kill('SIGTERM');
  await once(child, 'exit');
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  // First start creates the certificate, database and admin: not a cold start's normal cost.
  const first = await startBroker();
  const dispatcher = new Agent({ connect: { ca: readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8') } });
  const api = (path: string, init: Parameters<typeof fetch>[1] = {}) => fetch(`${first.url}${path}`, { ...init, dispatcher });
  let r = await api('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'password', client: 'desktop' }) });
  const { token } = (await r.json()) as { token: string };
  r = await api('/api/v1/me/password', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ currentPassword: 'password', newPassword: 'Bench!Passw0rd' }) });
  if (r.status !== 200) throw new Error(`password change failed: ${r.status}`);
  await stop(first.child);

  const starts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const b = await startBroker();
    const url = b.url;
    for (;;) {
      try {
        const res = await fetch(`${url}/api/health`, { dispatcher });
        if (res.status === 200) {
          await res.text();
          break;
        }
      } catch {
        // not up yet
      }
    }
    starts.push(performance.now() - b.t0);
    log(`cold start ${i + 1}: ${starts.at(-1)!.toFixed(0)} ms`);
    if (i < 4) await stop(b.child);
    else {
      await new Promise((res) => setTimeout(res, 3000));
      const idle = rssMb(b.child.pid!);
      log(`idle RSS ${idle.toFixed(1)} MB`);
      // Login throughput: each login verifies an Argon2id hash (19 MiB, t=2), by design the cost.
      const body = JSON.stringify({ username: 'admin', password: 'Bench!Passw0rd', client: 'desktop' });
      const durationMs = 5000;
      const end = performance.now() + durationMs;
      let ok = 0;
      let failed = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (performance.now() < end) {
            const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, dispatcher });
            await res.text();
            if (res.status === 200) ok++;
            else failed++;
          }
        }),
      );
      const loginsPerS = ok / (durationMs / 1000);
      log(`logins: ${ok} ok, ${failed} failed in ${durationMs} ms`);
      const rssAfter = rssMb(b.child.pid!);
      await stop(b.child);
      await dispatcher.close();
      console.log(
        JSON.stringify({
          bench: 'broker',
          cold_start_ms: Math.round(median(starts)),
          cold_start_ms_all: starts.map(Math.round),
          idle_rss_mb: Math.round(idle * 10) / 10,
          login_rps: Math.round(loginsPerS * 10) / 10,
          login_failed: failed,
          rss_after_logins_mb: Math.round(rssAfter * 10) / 10,
        }),
      );
    }
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

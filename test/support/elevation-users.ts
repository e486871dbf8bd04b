// The elevation tests' set-up (CON-8): a real Linux user with a password (optionally a sudoer),
// removed afterwards, and the real customer client (test/support/elevation-customer.ts) run as
// that user with setpriv, driven by JSON lines. Used by test/integration/elevation.test.ts and
// test/e2e/elevation.test.ts; both need root and sudo.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export const asRoot = process.getuid?.() === 0;
export const hasSudo = (() => {
  try {
    execFileSync('sudo', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
/** Why the elevation tests cannot run here, or false. */
export const elevationSkip = !asRoot ? 'making Linux users and a sudoers rule needs root' : !hasSudo ? 'sudo is not installed (scripts/install-test-deps.sh installs it)' : false;

export type Update = Record<string, any>;

/** A Linux user for the test (with a password; optionally allowed to sudo), removed afterwards. */
export function makeUser(sudoer: boolean): { name: string; password: string; remove(): Promise<void> } {
  const name = `pelev${randomBytes(3).toString('hex')}`;
  const password = `Pw-${randomBytes(6).toString('hex')}`;
  execFileSync('useradd', ['-m', '-s', '/bin/sh', name]);
  execFileSync('chpasswd', [], { input: `${name}:${password}\n` });
  const rule = `/etc/sudoers.d/${name}`;
  if (sudoer) {
    writeFileSync(rule, `${name} ALL=(ALL) ALL\n`, { mode: 0o440 });
    execFileSync('visudo', ['-cf', rule], { stdio: 'ignore' });
  }
  return {
    name,
    password,
    async remove() {
      rmSync(rule, { force: true });
      // userdel refuses while the user still has processes: kill them and wait until they are gone.
      for (let i = 0; i < 50; i++) {
        try {
          execFileSync('pkill', ['-KILL', '-u', name], { stdio: 'ignore' });
        } catch {
          break; // nothing left running
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      execFileSync('userdel', ['-r', name], { stdio: 'ignore' });
    },
  };
}

/** The customer client (test/support/elevation-customer.ts) as `user` (setpriv), driven line by line. */
export function customerAs(user: string, o: { brokerUrl: string; fingerprint: string; repId: number }) {
  const child: ChildProcess = spawn('setpriv', [`--reuid=${user}`, `--regid=${user}`, '--init-groups', '--', process.execPath, '--import', 'tsx', 'test/support/elevation-customer.ts'], {
    env: { ...process.env, ORDERS: JSON.stringify(o), HOME: `/home/${user}`, USER: user, LOGNAME: user },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const updates: Update[] = [];
  const waiters: { pred: (u: Update) => boolean; resolve: (u: Update) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const u = JSON.parse(line) as Update;
    updates.push(u);
    for (const w of [...waiters]) {
      if (!w.pred(u)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(u);
    }
  });
  return {
    child,
    updates,
    send: (cmd: unknown) => child.stdin!.write(`${JSON.stringify(cmd)}\n`),
    next(pred: (u: Update) => boolean, what: string, timeoutMs = 30_000): Promise<Update> {
      const seen = updates.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`customer: no ${what}; got ${JSON.stringify(updates)}`)), timeoutMs);
        waiters.push({ pred, resolve: (u) => (clearTimeout(t), resolve(u)) });
      });
    },
    stop() {
      child.kill('SIGTERM');
    },
  };
}

// Jump Client self-update (JMP-5): the site offers a version (signed with its Ed25519 update key,
// whose public half this client got at registration); the installed executable downloads it
// through the pinned connection, checks size, SHA-512 and signature, then swaps: the running file
// is renamed to `.old` (Windows allows renaming a running executable, not replacing it), the new
// one takes its name, and it is started the way this one was (under systemd: this process exits
// and the unit restarts it; otherwise the new one is started detached). Any failure before the
// swap leaves the old version running and is reported to the site. The new process removes `.old`.
import { spawn } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { chmodSync, closeSync, createWriteStream, existsSync, openSync, renameSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { basename, dirname, join, resolve } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { jumpUpdateStatement, type JumpBrokerMessage, type JumpIdentity } from '../../protocol/jump.ts';
import { normalisePin, PinMismatchError } from './pinned-https.ts';

export type UpdateOffer = Extract<JumpBrokerMessage, { type: 'update' }>;

export class UpdateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpdateError';
  }
}

/** The installed executable this process runs from, if it is one (only that can replace itself). */
export function installedExecutable(installDir: string, execPath = process.execPath): string | null {
  const name = basename(execPath).toLowerCase();
  if (name !== 'passerelle-jump' && name !== 'passerelle-jump.exe') return null;
  return resolve(dirname(execPath)) === resolve(installDir) ? execPath : null;
}

/** Checks the offer's signature with the site's update key. */
export function verifyOffer(offer: UpdateOffer, updateKey: string | undefined): void {
  if (!updateKey) throw new UpdateError('this Jump Client has no update key from the site (registered before JMP-5): reinstall it to get updates');
  const key = createPublicKey({ key: Buffer.from(updateKey, 'base64'), format: 'der', type: 'spki' });
  const ok = verify(null, Buffer.from(jumpUpdateStatement(offer)), key, Buffer.from(offer.signature, 'base64'));
  if (!ok) throw new UpdateError('the update is not signed by this site\'s update key');
}

/** Downloads `url` to `file` through a connection whose certificate must match `pin`; returns its SHA-512 and size. */
export function download(url: string, pin: string, file: string, maxBytes: number): Promise<{ sha512: string; size: number }> {
  return new Promise((resolveP, reject) => {
    const req = request(url, { method: 'GET', rejectUnauthorized: false, agent: false, timeout: 120_000 });
    req.on('socket', (socket) => {
      socket.once('secureConnect', () => {
        const seen = normalisePin((socket as TLSSocket).getPeerCertificate().fingerprint256 ?? '');
        if (seen !== normalisePin(pin)) req.destroy(new PinMismatchError(seen));
      });
    });
    req.on('timeout', () => req.destroy(new UpdateError('the download stalled')));
    req.on('error', reject);
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new UpdateError(`the site answered ${res.statusCode} for the update`));
        return;
      }
      const hash = createHash('sha512');
      let size = 0;
      const out = createWriteStream(file, { mode: 0o700 });
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) req.destroy(new UpdateError('the update is larger than announced'));
        hash.update(c);
      });
      res.pipe(out);
      out.on('error', reject);
      out.on('finish', () => resolveP({ sha512: hash.digest('hex'), size }));
    });
    req.end();
  });
}

export interface Swapped {
  executable: string;
  previous: string;
}

/** Downloads, checks and swaps in the offered version; the caller then restarts (restartInto). */
export async function applyUpdate(offer: UpdateOffer, identity: JumpIdentity, installDir: string, execPath = process.execPath): Promise<Swapped> {
  const exe = installedExecutable(installDir, execPath);
  if (!exe) throw new UpdateError(`not running from an installed executable in ${installDir}, so nothing to replace`);
  verifyOffer(offer, identity.updateKey);
  const staged = `${exe}.update`;
  rmSync(staged, { force: true });
  try {
    const got = await download(`${identity.broker}${offer.path}`, identity.pin, staged, offer.size);
    if (got.size !== offer.size) throw new UpdateError(`the download has ${got.size} bytes, ${offer.size} announced`);
    if (got.sha512 !== offer.sha512) throw new UpdateError('the download does not match the announced SHA-512');
    chmodSync(staged, 0o755);
    const previous = `${exe}.old`;
    rmSync(previous, { force: true });
    renameSync(exe, previous);
    try {
      renameSync(staged, exe);
    } catch (err) {
      renameSync(previous, exe);
      throw err;
    }
    return { executable: exe, previous };
  } catch (err) {
    rmSync(staged, { force: true });
    throw err instanceof UpdateError ? err : new UpdateError(err instanceof Error ? err.message : String(err));
  }
}

/** Starts the new executable as this one runs (unless systemd restarts the unit itself). */
export function restartInto(executable: string, installDir: string): void {
  if (process.env.INVOCATION_ID) return; // systemd: exiting is enough (Restart=always)
  const out = openSync(join(installDir, 'agent.log'), 'a', 0o600);
  const child = spawn(executable, ['run', '--install-dir', installDir], { detached: true, stdio: ['ignore', out, out], windowsHide: true });
  closeSync(out);
  child.unref();
}

/** At start: the version it replaced is no longer needed. */
export function removePrevious(installDir: string, execPath = process.execPath): void {
  const exe = installedExecutable(installDir, execPath);
  if (exe && existsSync(`${exe}.old`)) rmSync(`${exe}.old`, { force: true });
}

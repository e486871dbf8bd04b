// A Jump Client's identity (JMP-2): its client id and secret, the site and its certificate pin,
// kept in its install directory readable by its own account only (0600). The deployment key that
// registered it is never written here. The machine proof ties the identity to this computer.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { JumpIdentity } from '../../protocol/jump.ts';

export const IDENTITY_FILE = 'identity.json';

export function identityPath(installDir: string): string {
  return join(installDir, IDENTITY_FILE);
}

export function readIdentity(installDir: string): JumpIdentity {
  const file = identityPath(installDir);
  if (!existsSync(file)) throw new Error(`No Jump Client is installed in ${installDir} (${IDENTITY_FILE} is missing)`);
  return JumpIdentity.parse(JSON.parse(readFileSync(file, 'utf8')));
}

export function writeIdentity(installDir: string, identity: JumpIdentity): void {
  const file = identityPath(installDir);
  const tmp = `${file}.tmp`;
  // Written aside then renamed: a crash never leaves half an identity.
  writeFileSync(tmp, `${JSON.stringify(JumpIdentity.parse(identity), null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** This computer's stable id: systemd's machine-id on Linux, MachineGuid on Windows. */
export function machineId(): string {
  for (const f of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    try {
      const id = readFileSync(f, 'utf8').trim();
      if (id) return id;
    } catch {
      // not there: try the next source
      continue;
    }
  }
  if (process.platform === 'win32') {
    try {
      const out = execFileSync('reg', ['query', 'HKLM\\SOFTWARE\\Microsoft\\Cryptography', '/v', 'MachineGuid'], { encoding: 'utf8', windowsHide: true });
      const m = /MachineGuid\s+REG_SZ\s+(\S+)/.exec(out);
      if (m) return m[1]!;
    } catch {
      // no registry access: fall back below
    }
  }
  const macs = Object.values(networkInterfaces()).flatMap((l) => l ?? []).filter((a) => !a.internal && a.mac !== '00:00:00:00:00:00').map((a) => a.mac).sort();
  return `${hostname()}|${macs.join(',')}`;
}

/** What the broker stores and compares at each connection (never the machine id itself). */
export function machineProof(id = machineId()): string {
  return createHash('sha256').update(`passerelle-jump:${id}`).digest('hex');
}

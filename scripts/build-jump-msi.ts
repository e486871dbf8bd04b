// Builds the Jump Client MSI (JMP-3) around the Windows single executable:
// `node --import tsx scripts/build-jump-msi.ts` → dist/jump/passerelle-jump-win-x64.msi
// (builds the executable first when it is missing; needs wixl from Debian's msitools).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from '../src/broker/app-root.ts';
import { buildJumpMsi, jumpMsiPath } from '../src/installers/jump-msi.ts';

const { root, version } = appRoot();
const dist = join(root, 'dist', 'jump');
const exe = join(dist, 'passerelle-jump-win-x64.exe');
if (!existsSync(exe) || process.argv.includes('--rebuild')) execFileSync(process.execPath, ['scripts/build-jump-sea.mjs', '--windows'], { cwd: root, stdio: 'inherit' });
const { bytes } = buildJumpMsi({ exe, version }, jumpMsiPath(dist));
process.stdout.write(`${jumpMsiPath(dist)} (${(bytes / 1e6).toFixed(1)} MB)\n`);

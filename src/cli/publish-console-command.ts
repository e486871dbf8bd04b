// `passerelle publish-console --from DIR [--data DIR] [--version X.Y.Z]`: puts a console build
// (installers from `npm run dist`) on this broker for My Account's downloads and the update feed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import yaml from 'js-yaml';
import { ConsoleReleases } from '../broker/services/console-releases.ts';

const usage = `Usage: passerelle publish-console --from DIR [--data DIR] [--version X.Y.Z]
  --from     folder holding the installers (.msi, .exe, .dmg, .AppImage, .deb), e.g. release/
  --data     the broker's data directory (default ./data)
  --version  the build's version (default: read from DIR's latest*.yml or the file names)`;

/** The build's version: electron-builder's feed documents say it; else the installers' names. */
export function versionOf(fromDir: string): string | null {
  for (const feed of ['latest.yml', 'msi.yml', 'latest-linux.yml', 'latest-mac.yml']) {
    const file = join(fromDir, feed);
    if (existsSync(file)) {
      const doc = yaml.load(readFileSync(file, 'utf8')) as { version?: unknown } | null;
      if (typeof doc?.version === 'string') return doc.version;
    }
  }
  for (const name of readdirSync(fromDir)) {
    // Passerelle-1.2.0-x64.msi, Passerelle_1.2.0_amd64.deb, Passerelle-1.2.0-rc.1-x86_64.AppImage …
    const m = /(\d+\.\d+\.\d+(?:-(?!(?:x64|x86_64|amd64|arm64|ia32|universal)\b)[0-9A-Za-z.]+)?)[-_.]/.exec(name);
    if (m) return m[1]!;
  }
  return null;
}

export async function runPublishConsole(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { from: { type: 'string' }, data: { type: 'string' }, version: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help || !values.from) {
    console.log(usage);
    if (!values.help) process.exitCode = 2;
    return;
  }
  const from = resolve(values.from);
  const version = values.version ?? versionOf(from);
  if (!version || !/^\d+\.\d+\.\d+/.test(version)) throw new Error(`cannot tell the build's version; pass --version (${usage})`);
  const releases = new ConsoleReleases(resolve(values.data ?? 'data'));
  const published = await releases.publish(from, version);
  for (const a of published) console.log(`published ${a.kind.padEnd(8)} ${a.fileName} (${a.size} bytes, sha512 ${a.sha512.slice(0, 16)}…)`);
  console.log(`console ${version} is now offered in My Account and on the update feed of ${releases.dir}`);
}

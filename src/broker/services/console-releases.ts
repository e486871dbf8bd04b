// Console builds held by this broker (ACC-1, CON-12): the installers My Account offers and the
// electron-updater "generic" feed, both kept in <data>/updates/console. An administrator
// publishes a build with one command (`passerelle publish-console`); the broker only reads.
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import yaml from 'js-yaml';
import type { ConsoleDownload, ConsolePlatform, InstallerKind } from '../../protocol/downloads.ts';

export const FEED_SUBDIR = join('updates', 'console');

export interface Artifact {
  kind: InstallerKind;
  fileName: string;
  size: number;
  sha512: string;
  version: string;
}

interface Manifest { version: string; publishedAt: string; artifacts: Artifact[] }

const KINDS: { kind: InstallerKind; platform: ConsolePlatform; test: RegExp; type: string; feed: string | null }[] = [
  { kind: 'msi', platform: 'windows', test: /\.msi$/i, type: 'application/x-msi', feed: 'msi.yml' },
  { kind: 'nsis', platform: 'windows', test: /\.exe$/i, type: 'application/vnd.microsoft.portable-executable', feed: 'latest.yml' },
  { kind: 'dmg', platform: 'macos', test: /\.dmg$/i, type: 'application/x-apple-diskimage', feed: 'latest-mac.yml' },
  { kind: 'appimage', platform: 'linux', test: /\.AppImage$/i, type: 'application/vnd.appimage', feed: 'latest-linux.yml' },
  { kind: 'deb', platform: 'linux', test: /\.deb$/i, type: 'application/vnd.debian.binary-package', feed: null },
];

/** Order of the list in My Account, and which installer is first for each platform. */
const PREFERENCE: InstallerKind[] = ['msi', 'nsis', 'dmg', 'appimage', 'deb'];

export function kindOfFile(fileName: string): InstallerKind | null {
  return KINDS.find((k) => k.test.test(fileName))?.kind ?? null;
}
export function platformOf(kind: InstallerKind): ConsolePlatform {
  return KINDS.find((k) => k.kind === kind)!.platform;
}
export function contentTypeOf(fileName: string): string {
  if (/\.ya?ml$/i.test(fileName)) return 'text/yaml; charset=utf-8';
  return KINDS.find((k) => k.test.test(fileName))?.type ?? 'application/octet-stream';
}

/** Names the feed may serve: plain file names, no path, no dot-files. */
export const FEED_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,200}$/;

export function sha512File(file: string): Promise<{ sha512: string; size: number }> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha512');
    let size = 0;
    createReadStream(file)
      .on('data', (c) => { hash.update(c as Buffer); size += (c as Buffer).length; })
      .on('error', reject)
      .on('end', () => resolve({ sha512: hash.digest('base64'), size }));
  });
}

/** electron-updater's UpdateInfo document for one artifact (the same shape electron-builder writes). */
export function feedDocument(a: Artifact, releaseDate: string): string {
  return yaml.dump({
    version: a.version,
    files: [{ url: a.fileName, sha512: a.sha512, size: a.size }],
    path: a.fileName,
    sha512: a.sha512,
    releaseDate,
  }, { lineWidth: -1 });
}

export class ConsoleReleases {
  readonly dir: string;
  constructor(dataDir: string) {
    this.dir = join(dataDir, FEED_SUBDIR);
  }

  private manifest(): Manifest | null {
    const file = join(this.dir, 'downloads.json');
    if (!existsSync(file)) return null;
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  }

  /** Installers on offer, with what My Account needs to list them. */
  downloads(): ConsoleDownload[] {
    const m = this.manifest();
    if (!m) return [];
    return m.artifacts
      .filter((a) => existsSync(join(this.dir, a.fileName)))
      .sort((a, b) => PREFERENCE.indexOf(a.kind) - PREFERENCE.indexOf(b.kind))
      .map((a) => ({ platform: platformOf(a.kind), kind: a.kind, fileName: a.fileName, size: a.size, version: a.version, url: `/api/v1/downloads/console/${a.kind}` }));
  }

  artifact(kind: InstallerKind): { path: string; fileName: string; size: number; type: string } | null {
    const a = this.manifest()?.artifacts.find((x) => x.kind === kind);
    if (!a) return null;
    const path = join(this.dir, a.fileName);
    if (!existsSync(path)) return null;
    return { path, fileName: a.fileName, size: statSync(path).size, type: contentTypeOf(a.fileName) };
  }

  /** A feed file (yml, installer, blockmap) by name, or null. */
  feedFile(name: string): { path: string; size: number; type: string } | null {
    if (!FEED_FILE_NAME.test(name) || name === 'downloads.json' || basename(name) !== name) return null;
    const path = join(this.dir, name);
    if (!existsSync(path) || !statSync(path).isFile()) return null;
    return { path, size: statSync(path).size, type: contentTypeOf(name) };
  }

  /**
   * Publishes a console build: copies the installers found in `fromDir` (one per kind), writes the
   * feed documents with their sha512, and swaps the manifest last so a reader never sees half a
   * release. Older installers are removed once the new manifest is in place.
   */
  async publish(fromDir: string, version: string, now = new Date()): Promise<Artifact[]> {
    mkdirSync(this.dir, { recursive: true });
    const artifacts: Artifact[] = [];
    for (const name of readdirSync(fromDir).sort()) {
      const kind = kindOfFile(name);
      if (!kind || artifacts.some((a) => a.kind === kind) || !statSync(join(fromDir, name)).isFile()) continue;
      if (!FEED_FILE_NAME.test(name)) throw new Error(`unsuitable file name for the feed: ${name}`);
      copyFileSync(join(fromDir, name), join(this.dir, name));
      const blockmap = join(fromDir, `${name}.blockmap`);
      if (existsSync(blockmap)) copyFileSync(blockmap, join(this.dir, `${name}.blockmap`));
      const { sha512, size } = await sha512File(join(this.dir, name));
      artifacts.push({ kind, fileName: name, size, sha512, version });
    }
    if (artifacts.length === 0) throw new Error(`no console installer (.msi, .exe, .dmg, .AppImage, .deb) in ${fromDir}`);
    const releaseDate = now.toISOString();
    for (const a of artifacts) {
      const feed = KINDS.find((k) => k.kind === a.kind)!.feed;
      if (feed) writeFileSync(join(this.dir, feed), feedDocument(a, releaseDate));
    }
    const previous = this.manifest();
    const tmp = join(this.dir, 'downloads.json.tmp');
    writeFileSync(tmp, JSON.stringify({ version, publishedAt: releaseDate, artifacts } satisfies Manifest, null, 2));
    renameSync(tmp, join(this.dir, 'downloads.json'));
    for (const old of previous?.artifacts ?? []) {
      if (!artifacts.some((a) => a.fileName === old.fileName)) {
        for (const f of [old.fileName, `${old.fileName}.blockmap`]) if (existsSync(join(this.dir, f))) unlinkSync(join(this.dir, f));
      }
    }
    return artifacts;
  }
}

// Whether and how the console updates itself (CON-12 with ACC-2's rules), and the checks applied
// to what an update feed offers before anything is downloaded or installed.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { InstallSettings } from './install-settings.ts';

export type UpdateDecision =
  | { enabled: true; channel: 'latest' | 'msi'; installWith: 'electron-updater' | 'msiexec' }
  | { enabled: false; reason: 'development' | 'msi_all_users' | 'msi_auto_update_off' | 'no_broker' | 'unsupported_package' };

export interface PolicyInput {
  packaged: boolean;
  platform: NodeJS.Platform;
  install: InstallSettings;
  /** Linux: AppImage updates itself; deb is updated by the system's package manager. */
  isAppImage: boolean;
  brokerUrl: string | null;
}

/** ACC-2: MSI installs update only when per user with SHOULDAUTOUPDATE=1; all-users never. */
export function decideUpdates(p: PolicyInput): UpdateDecision {
  if (!p.packaged) return { enabled: false, reason: 'development' };
  if (!p.brokerUrl) return { enabled: false, reason: 'no_broker' };
  if (p.platform === 'win32' && p.install.kind === 'msi') {
    if (p.install.allUsers) return { enabled: false, reason: 'msi_all_users' };
    if (!p.install.shouldAutoUpdate) return { enabled: false, reason: 'msi_auto_update_off' };
    return { enabled: true, channel: 'msi', installWith: 'msiexec' };
  }
  if (p.platform === 'linux' && !p.isAppImage) return { enabled: false, reason: 'unsupported_package' };
  return { enabled: true, channel: 'latest', installWith: 'electron-updater' };
}

/** Feed URL for this console on its broker. */
export function feedUrl(brokerUrl: string): string {
  return `${brokerUrl.replace(/\/+$/, '')}/api/v1/updates/console/`;
}

export const CHECK_INTERVAL_MS = 4 * 60 * 60 * 1000;

export interface OfferedFile { url: string; sha512?: string; size?: number }
export interface OfferedUpdate { version: string; files: OfferedFile[]; path?: string; sha512?: string }

export type Refusal =
  | { code: 'downgrade'; message: string }
  | { code: 'not_newer'; message: string }
  | { code: 'other_host'; message: string }
  | { code: 'bad_sha512'; message: string }
  | { code: 'malformed'; message: string };

function parseSemver(v: string): [number, number, number, string] | null {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+.*)?$/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] ?? ''] : null;
}

/** Semver order (pre-releases sort before their release). */
export function compareVersions(a: string, b: string): number {
  const x = parseSemver(a);
  const y = parseSemver(b);
  if (!x || !y) throw new Error(`not a version: ${!x ? a : b}`);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  if (x[3] === y[3]) return 0;
  if (!x[3]) return 1;
  if (!y[3]) return -1;
  return x[3] < y[3] ? -1 : 1;
}

const SHA512_BASE64 = /^[A-Za-z0-9+/]{86}==$/;

/**
 * What a feed offers, checked before download: newer than what runs (no downgrade), every file
 * on the feed's own origin (a feed cannot send the console elsewhere), a well-formed sha512 each.
 */
export function checkOffer(offer: OfferedUpdate, currentVersion: string, feed: string): Refusal | null {
  if (typeof offer?.version !== 'string' || !parseSemver(offer.version)) return { code: 'malformed', message: 'the feed has no valid version' };
  if (!Array.isArray(offer.files) || offer.files.length === 0) return { code: 'malformed', message: 'the feed lists no files' };
  const order = compareVersions(offer.version, currentVersion);
  if (order < 0) return { code: 'downgrade', message: `the feed offers ${offer.version}, older than the installed ${currentVersion}` };
  if (order === 0) return { code: 'not_newer', message: `${offer.version} is already installed` };
  const origin = new URL(feed).origin;
  for (const f of offer.files) {
    let url: URL;
    try {
      url = new URL(f.url, feed);
    } catch {
      return { code: 'malformed', message: `bad file address ${String(f.url)}` };
    }
    if (url.origin !== origin) return { code: 'other_host', message: `${url.origin} is not this console's site (${origin})` };
    if (typeof f.sha512 !== 'string' || !SHA512_BASE64.test(f.sha512)) return { code: 'bad_sha512', message: `no valid sha512 for ${f.url}` };
  }
  return null;
}

export function sha512Base64(data: Buffer): string {
  return createHash('sha512').update(data).digest('base64');
}

export async function sha512OfFile(file: string): Promise<{ sha512: string; size: number }> {
  const hash = createHash('sha512');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha512: hash.digest('base64'), size };
}

/** After download (electron-updater checks too; this guards the msiexec path): size and sha512 match. */
export async function verifyDownloaded(file: string, expected: OfferedFile): Promise<Refusal | null> {
  const got = await sha512OfFile(file);
  if (expected.size !== undefined && got.size !== expected.size) {
    return { code: 'bad_sha512', message: `truncated or oversized download: ${got.size} bytes, expected ${expected.size}` };
  }
  if (got.sha512 !== expected.sha512) return { code: 'bad_sha512', message: 'the downloaded file does not match the feed\'s sha512' };
  return null;
}

/** The silent MSI upgrade run on quit for per-user MSI installs (same choices as the first install). */
export function msiUpgradeArgs(msiPath: string, install: InstallSettings): string[] {
  const args = ['/i', msiPath, '/qn', 'ALLUSERS=""', `RUNATSTARTUP=${install.runAtStartup ? 1 : 0}`, 'SHOULDAUTOUPDATE=1'];
  if (install.installDir) args.push(`INSTALLDIR=${install.installDir}`);
  return args;
}

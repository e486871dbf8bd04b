// Jump Client self-update (JMP-5): when the site is upgraded, its installers folder holds a new
// Jump Client executable per platform with a manifest beside it (`<file>.update.json`: version,
// size, SHA-512, written by scripts/build-jump-sea.mjs). A connecting Jump Client whose version
// differs is offered it, signed with the site's Ed25519 update key (kept in the settings; its
// public half is given to each Jump Client at registration).
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { jumpUpdateStatement, type JumpBrokerMessage } from '../../protocol/jump.ts';
import type { Store } from '../store/store.ts';

const UPDATE_KEY_SETTING = 'jump.updateKey';

/** The Jump Client executable of each platform a client reports (process.platform-arch). */
export const agentFiles: Record<string, { file: string; route: string }> = {
  'linux-x64': { file: 'passerelle-jump-linux-x64', route: 'linux-x64' },
  'win32-x64': { file: 'passerelle-jump-win-x64.exe', route: 'windows-x64' },
};

const Manifest = z.object({ version: z.string().max(32), size: z.number().int().positive(), sha512: z.string().regex(/^[0-9a-f]{128}$/) });
type Manifest = z.infer<typeof Manifest>;

export class JumpUpdates {
  private key: KeyObject | null = null;
  private readonly cache = new Map<string, { mtimeMs: number; manifest: Manifest | null }>();

  constructor(
    private readonly store: Store,
    private readonly dir: string,
    private readonly log: Logger,
  ) {}

  private async privateKey(): Promise<KeyObject> {
    if (this.key) return this.key;
    let pem = await this.store.getSetting(UPDATE_KEY_SETTING);
    if (!pem) {
      pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      await this.store.putSetting(UPDATE_KEY_SETTING, pem);
    }
    this.key = createPrivateKey(pem);
    return this.key;
  }

  /** The public key Jump Clients check updates with (SPKI DER, base64). */
  async publicKey(): Promise<string> {
    return createPublicKey(await this.privateKey()).export({ type: 'spki', format: 'der' }).toString('base64');
  }

  private manifest(platform: string): Manifest | null {
    const entry = agentFiles[platform];
    if (!entry) return null;
    const file = join(this.dir, `${entry.file}.update.json`);
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      return null;
    }
    const hit = this.cache.get(platform);
    if (hit && hit.mtimeMs === mtimeMs) return hit.manifest;
    let manifest: Manifest | null = null;
    try {
      manifest = Manifest.parse(JSON.parse(readFileSync(file, 'utf8')));
      if (statSync(join(this.dir, entry.file)).size !== manifest.size) throw new Error('the executable does not match its manifest');
    } catch (err) {
      this.log.error({ err, file }, 'jump client update manifest unusable; no update offered');
      manifest = null;
    }
    this.cache.set(platform, { mtimeMs, manifest });
    return manifest;
  }

  /** The update to offer a client reporting `platform` and `version`, or null when it is current (or none is built). */
  async offer(platform: string, version: string): Promise<Extract<JumpBrokerMessage, { type: 'update' }> | null> {
    const m = this.manifest(platform);
    if (!m || m.version === version) return null;
    const signature = sign(null, Buffer.from(jumpUpdateStatement({ platform, version: m.version, size: m.size, sha512: m.sha512 })), await this.privateKey()).toString('base64');
    return { type: 'update', version: m.version, platform, path: `/download/jump-agent/${agentFiles[platform]!.route}`, size: m.size, sha512: m.sha512, signature };
  }
}

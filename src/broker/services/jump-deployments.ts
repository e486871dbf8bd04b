// Jump Client deployments (JMP-1, JMP-4, JMP-7): the mass deployment wizard issues a deployment
// key (KEY_INFO) signed by the site, valid until a date and for a number of installs, and
// redeems it when an agent registers. The key travels in the installer; it is never stored on
// the client, which gets its own identity at registration.
import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { CreateDeploymentBody, DeploymentView, JumpPlatform } from '../../protocol/jump.ts';
import { PasserelleError } from '../errors.ts';
import type { DeploymentRecord } from '../store/jump-store.ts';
import type { Store, UserRecord } from '../store/store.ts';
import type { Clock } from './accounts.ts';
import { requireManage } from './jump-rights.ts';
import { newToken, safeEqual } from './secrets.ts';

const SIGNING_KEY_SETTING = 'jump.signingKey';

export const installerFileNames: Record<JumpPlatform, string> = {
  'linux-x64': 'passerelle-jump-linux-x64',
  'windows-x64': 'passerelle-jump-win-x64.exe',
  'windows-x64-msi': 'passerelle-jump-win-x64.msi',
};

export interface SignedKey {
  id: string;
  expiresAtSeconds: number;
  maxInstalls: number;
}

export class JumpDeployments {
  private signingKey: Buffer | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly site: { publicUrl: () => string; fingerprint: string | null },
  ) {}

  private async key(): Promise<Buffer> {
    if (this.signingKey) return this.signingKey;
    let raw = await this.store.getSetting(SIGNING_KEY_SETTING);
    if (!raw) {
      raw = newToken(32);
      await this.store.putSetting(SIGNING_KEY_SETTING, raw);
    }
    this.signingKey = Buffer.from(raw, 'base64url');
    return this.signingKey;
  }

  private async sign(body: string): Promise<string> {
    return createHmac('sha256', await this.key()).update(body).digest('base64url');
  }

  async keyInfoOf(d: Pick<DeploymentRecord, 'id' | 'expiresAt' | 'maxInstalls'>): Promise<string> {
    const body = `${d.id}.${Math.floor(Date.parse(d.expiresAt) / 1000)}.${d.maxInstalls}`;
    return `${body}.${await this.sign(body)}`;
  }

  /**
   * Checks a KEY_INFO's signature and expiry without touching the store, so a flood of forged or
   * stale keys costs an HMAC each. Returns why it is refused, or the key.
   */
  async verify(keyInfo: string): Promise<SignedKey | 'forged' | 'expired'> {
    const parts = keyInfo.split('.');
    if (parts.length !== 4) return 'forged';
    const [id, exp, max, sig] = parts as [string, string, string, string];
    if (!safeEqual(await this.sign(`${id}.${exp}.${max}`), sig)) return 'forged';
    const expiresAtSeconds = Number(exp);
    if (expiresAtSeconds * 1000 <= this.clock.now().getTime()) return 'expired';
    return { id, expiresAtSeconds, maxInstalls: Number(max) };
  }

  async create(user: UserRecord, body: CreateDeploymentBody): Promise<DeploymentView> {
    requireManage(user, body.jumpGroup);
    const groupUser = await this.store.getUserByUsername(body.jumpGroup.slice('user:'.length));
    if (!groupUser) throw new PasserelleError('validation_failed', `There is no user "${body.jumpGroup.slice(5)}" for the Jump group`, { field: 'jumpGroup' });
    const now = this.clock.now();
    const record: DeploymentRecord = {
      id: newToken(16),
      createdBy: user.id,
      platform: body.platform,
      jumpGroup: body.jumpGroup.toLowerCase(),
      tag: body.tag?.trim() ?? '',
      comments: body.comments?.trim() ?? '',
      createdAt: now.toISOString(),
      // Whole seconds: the signed key carries the expiry in seconds.
      expiresAt: new Date(Math.floor((now.getTime() + body.validMinutes * 60_000) / 1000) * 1000).toISOString(),
      maxInstalls: body.maxInstalls,
      installs: 0,
    };
    await this.store.insertDeployment(record);
    this.log.info({ deployment: record.id, by: user.username, group: record.jumpGroup, platform: record.platform, maxInstalls: record.maxInstalls }, 'jump client deployment created');
    return this.view(record);
  }

  async get(user: UserRecord, id: string): Promise<DeploymentView> {
    const d = await this.store.getDeployment(id);
    if (!d) throw new PasserelleError('not_found', 'No such deployment');
    requireManage(user, d.jumpGroup);
    return this.view(d);
  }

  async view(d: DeploymentRecord): Promise<DeploymentView> {
    const keyInfo = await this.keyInfoOf(d);
    const url = this.site.publicUrl();
    const platform = d.platform as JumpPlatform;
    const downloadUrl = `${url}/download/jump/${platform}?key=${encodeURIComponent(keyInfo)}`;
    const file = installerFileNames[platform];
    const extra = (style: 'exe' | 'msi') => {
      const out: string[] = [];
      const q = (v: string) => (/^[A-Za-z0-9:._@-]+$/.test(v) ? v : `"${v.replace(/"/g, '\\"')}"`);
      if (style === 'exe') {
        out.push(`--jc-jump-group ${q(d.jumpGroup)}`);
        if (d.tag) out.push(`--jc-tag ${q(d.tag)}`);
        if (d.comments) out.push(`--jc-comments ${q(d.comments)}`);
      } else {
        out.push(`jc_jump_group=${q(d.jumpGroup)}`);
        if (d.tag) out.push(`jc_tag=${q(d.tag)}`);
        if (d.comments) out.push(`jc_comments=${q(d.comments)}`);
      }
      return out.join(' ');
    };
    const commands =
      platform === 'linux-x64'
        ? [
            { label: 'download', command: `curl -fsSLo ${file} '${downloadUrl}' && chmod +x ${file}` },
            { label: 'install', command: `./${file} --install-dir "$HOME/.passerelle-jump" ${extra('exe')}` },
            { label: 'install_service', command: `sudo ./${file} --service --install-dir /opt/passerelle-jump ${extra('exe')}` },
            { label: 'cli', command: `npx passerelle jump install --broker ${url}${this.site.fingerprint ? ` --pin ${this.site.fingerprint}` : ''} --key ${keyInfo} --install-dir "$HOME/.passerelle-jump" ${extra('exe')}` },
          ]
        : platform === 'windows-x64'
          ? [{ label: 'install', command: `${file} --install-dir "C:\\Program Files\\Passerelle Jump" ${extra('exe')}` }]
          : [{ label: 'install', command: `msiexec /i ${file} /qn KEY_INFO=${keyInfo} ${extra('msi')} installdir="C:\\Program Files\\Passerelle Jump"` }];
    return {
      id: d.id,
      platform,
      jumpGroup: d.jumpGroup,
      tag: d.tag,
      comments: d.comments,
      expiresAt: d.expiresAt,
      maxInstalls: d.maxInstalls,
      installs: d.installs,
      keyInfo,
      downloadUrl,
      commands,
      createdAt: d.createdAt,
    };
  }

  /** A download of the installer: the key must be genuine and still usable (it is counted at registration). */
  async checkDownload(keyInfo: string): Promise<DeploymentRecord> {
    const signed = await this.verify(keyInfo);
    if (signed === 'forged') throw new PasserelleError('invalid_deployment_key', 'This installer link is not valid for this site');
    if (signed === 'expired') throw new PasserelleError('invalid_deployment_key', 'This installer link has expired; ask for a new one');
    const d = await this.store.getDeployment(signed.id);
    if (!d) throw new PasserelleError('invalid_deployment_key', 'This installer link is not valid for this site');
    if (d.installs >= d.maxInstalls) throw new PasserelleError('invalid_deployment_key', 'This installer has been used as many times as it allows; ask for a new one');
    return d;
  }
}

// Site settings (time zone, client host name, password reset, lockout) and licence counts.
import type { SiteSettings, SmtpSettingsView, UpdateSiteSettingsBody, UpdateSmtpSettingsBody } from '../../protocol/site.ts';
import { PasserelleError } from '../errors.ts';
import type { Store } from '../store/store.ts';

export interface Licences {
  namedUsers: number;
  jumpClients: number;
}

const SETTINGS_KEY = 'site';
const SMTP_KEY = 'smtp';

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  username: string;
  password: string;
  from: string;
  allowInvalidCertificate: boolean;
}

const defaultSmtp: SmtpSettings = { host: '', port: 587, secure: false, username: '', password: '', from: '', allowInvalidCertificate: false };

export function supportedTimeZones(): string[] {
  const zones = Intl.supportedValuesOf('timeZone');
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}

export class SiteService {
  private cache: Partial<SiteSettings> | undefined;
  private readonly zones = new Set(supportedTimeZones());

  constructor(
    private readonly store: Store,
    private readonly licences: Licences,
    /** The broker's own `host:port`; read each time, since the port is known only once it listens. */
    private readonly defaultHostName: () => string,
  ) {}

  async settings(): Promise<SiteSettings> {
    if (!this.cache) {
      const raw = await this.store.getSetting(SETTINGS_KEY);
      this.cache = raw ? (JSON.parse(raw) as Partial<SiteSettings>) : {};
    }
    const { clientHostName: savedHost, ...saved } = this.cache;
    const ownHost = this.defaultHostName();
    return {
      timeZone: 'UTC',
      // Before STA-5 kept host and port together, every settings update saved the bare bind host
      // as the client host name; that value means "the default", not "port 443".
      clientHostName: savedHost && savedHost !== ownHost.replace(/:\d+$/, '') ? savedHost : ownHost,
      passwordResetEnabled: false,
      totpRequired: false,
      lockoutThreshold: 5,
      lockoutMinutes: 15,
      recordSessions: false,
      recordingRetentionDays: 0,
      ...saved,
      // Licences come from the broker's configuration, never from an API call.
      namedUserLicences: this.licences.namedUsers,
      jumpClientLicences: this.licences.jumpClients,
    };
  }

  /**
   * STA-5: the address customer clients and downloads are built with: the "host name clients
   * connect to" setting, host and port together (no port means 443), never a request's Host header.
   */
  async clientBrokerUrl(): Promise<string> {
    return `https://${(await this.settings()).clientHostName}`;
  }

  async update(patch: UpdateSiteSettingsBody): Promise<SiteSettings> {
    if (patch.timeZone !== undefined && !this.zones.has(patch.timeZone)) {
      throw new PasserelleError('validation_failed', `Unknown time zone "${patch.timeZone}"`, { field: 'timeZone' });
    }
    const current = await this.settings();
    const next: SiteSettings = { ...current };
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) (next as Record<string, unknown>)[k] = v;
    const saved: Partial<SiteSettings> = { ...this.cache };
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) (saved as Record<string, unknown>)[k] = v;
    await this.store.putSetting(SETTINGS_KEY, JSON.stringify(saved));
    this.cache = saved;
    return next;
  }

  /** Outgoing mail (JMP-7). Kept apart from the other settings: it holds a password. */
  async smtp(): Promise<SmtpSettings> {
    const raw = await this.store.getSetting(SMTP_KEY);
    return { ...defaultSmtp, ...(raw ? (JSON.parse(raw) as Partial<SmtpSettings>) : {}) };
  }

  async updateSmtp(patch: UpdateSmtpSettingsBody): Promise<SmtpSettingsView> {
    const next: SmtpSettings = { ...(await this.smtp()) };
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) (next as unknown as Record<string, unknown>)[k] = v;
    await this.store.putSetting(SMTP_KEY, JSON.stringify(next));
    return smtpView(next);
  }
}

export function smtpView(s: SmtpSettings): SmtpSettingsView {
  const { password, ...rest } = s;
  return { ...rest, hasPassword: password !== '' };
}

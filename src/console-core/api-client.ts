// Typed client of the broker's REST API (/api/v1). Every response is parsed with the protocol's
// zod schemas; every failure becomes an ApiError. Two modes: 'browser' (HttpOnly cookie kept by
// the browser, CSRF token sent on unsafe requests) and 'desktop' (bearer token held here).
import type { z } from 'zod';
import {
  ChangePasswordBody,
  LoginResult,
  Me,
  Ok,
  PublicSiteInfo,
  RequestPasswordResetResult,
  SiteSettings,
  SiteStatus,
  TotpSetupResult,
  UpdateMyProfileBody,
  UserList,
  UserView,
  LoggedInRep,
  ErrorBody,
  type CreateUserBody,
  type UpdateSiteSettingsBody,
  type UpdateUserBody,
} from '../protocol/index.ts';
import { z as zod } from 'zod';
import { ConsoleDownloads } from '../protocol/downloads.ts';
import { ApiError } from './api-error.ts';

export type ClientMode = 'browser' | 'desktop';

/** The subset of `fetch` we use, so Node (undici with a pinned CA), Electron and browsers all fit. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string | Uint8Array<ArrayBuffer>; credentials?: 'same-origin' | 'include' | 'omit' },
) => Promise<{ status: number; ok: boolean; text(): Promise<string> }>;

export interface ApiClientOptions {
  /** Origin of the broker, e.g. `https://support.example.com`; '' means same origin (web console). */
  baseUrl: string;
  mode: ClientMode;
  fetch: FetchLike;
  /**
   * Called when the broker says a logged-in session is gone (expired, revoked) on any call but
   * /me, so the console can go back to login wherever the user is. /me is how callers *ask*.
   */
  onSessionLost?: () => void;
  /** Called when the broker says the login is not complete yet (password change or two-step setup due). */
  onLoginIncomplete?: () => void;
}

/** What /me and /auth/login have in common (the login result without the bearer token). */
export const MeResult = LoginResult.omit({ token: true });
export type MeResult = z.infer<typeof MeResult>;

const RepList = zod.object({ reps: zod.array(LoggedInRep) });
export type ResetWithAnswerBody = { username: string; answer: string; newPassword: string };

export class ApiClient {
  private csrfToken: string | null = null;
  private bearer: string | null = null;

  constructor(private readonly opts: ApiClientOptions) {}

  get mode(): ClientMode {
    return this.opts.mode;
  }

  get baseUrl(): string {
    return this.opts.baseUrl;
  }

  /** The desktop bearer token (the rep connection needs it as a WebSocket subprotocol). */
  get token(): string | null {
    return this.bearer;
  }

  // --- auth -------------------------------------------------------------------------------

  publicSiteInfo() {
    return this.call('GET', '/site/public', PublicSiteInfo);
  }

  /** `totpCode` only after the broker answered `totp_required` (LOG-5). */
  async login(username: string, password: string, totpCode?: string): Promise<LoginResult> {
    const body = { username, password, client: this.opts.mode, ...(totpCode ? { totpCode } : {}) };
    const out = await this.call('POST', '/auth/login', LoginResult, body);
    this.remember(out);
    return out;
  }

  async logout(): Promise<void> {
    try {
      await this.call('POST', '/auth/logout', Ok, {});
    } finally {
      this.forget();
    }
  }

  /** The logged-in user and this session's CSRF token (after a page reload). */
  async me(): Promise<MeResult> {
    const out = await this.call('GET', '/me', MeResult);
    this.remember(out);
    return out;
  }

  changePassword(body: ChangePasswordBody) {
    return this.call('POST', '/me/password', Me, body);
  }

  updateMyProfile(body: UpdateMyProfileBody) {
    return this.call('PATCH', '/me', Me, body);
  }

  /** LOG-5: a new secret and its QR code; confirmed with a first code from the app. */
  startTotpSetup(currentPassword: string) {
    return this.call('POST', '/me/totp/setup', TotpSetupResult, { currentPassword });
  }

  confirmTotpSetup(code: string) {
    return this.call('POST', '/me/totp/confirm', Me, { code });
  }

  disableTotp(currentPassword: string, code: string) {
    return this.call('POST', '/me/totp/disable', Me, { currentPassword, code });
  }

  requestPasswordReset(username: string) {
    return this.call('POST', '/auth/password-reset', RequestPasswordResetResult, { username });
  }

  async resetPasswordWithAnswer(body: ResetWithAnswerBody): Promise<void> {
    await this.call('POST', '/auth/password-reset/answer', Ok, body);
  }

  // --- users (administrators) -----------------------------------------------------------

  async listUsers(q?: string) {
    const query = q && q.trim() ? `?q=${encodeURIComponent(q.trim())}` : '';
    return (await this.call('GET', `/users${query}`, UserList)).users;
  }

  getUser(id: number) {
    return this.call('GET', `/users/${id}`, UserView);
  }

  createUser(body: CreateUserBody) {
    return this.call('POST', '/users', UserView, body);
  }

  updateUser(id: number, body: UpdateUserBody) {
    return this.call('PATCH', `/users/${id}`, UserView, body);
  }

  async deleteUser(id: number): Promise<void> {
    await this.call('DELETE', `/users/${id}`, Ok);
  }

  resetFailedLogins(id: number) {
    return this.call('POST', `/users/${id}/reset-failed-logins`, UserView, {});
  }

  // --- site ---------------------------------------------------------------------------------

  siteStatus() {
    return this.call('GET', '/site/status', SiteStatus);
  }

  /** ACC-1: the console installers this broker offers. */
  consoleDownloads() {
    return this.call('GET', '/downloads/console', ConsoleDownloads);
  }

  updateSiteSettings(body: UpdateSiteSettingsBody) {
    return this.call('PATCH', '/site/settings', SiteSettings, body);
  }

  async loggedInReps() {
    return (await this.call('GET', '/site/reps', RepList)).reps;
  }

  /** STA-4: the broker answers first, then restarts; consoles reconnect by themselves. */
  async restartSite(): Promise<void> {
    await this.call('POST', '/site/restart', Ok, { confirm: true });
  }

  async terminateRep(connectionId: string): Promise<void> {
    await this.call('DELETE', `/site/reps/${encodeURIComponent(connectionId)}`, Ok);
  }

  /** Any operation by path and response schema, for console-core areas (sessions …) with their own module. */
  request<S extends z.ZodType>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, schema: S, body?: unknown): Promise<z.infer<S>> {
    return this.call(method, path, schema, body);
  }

  /** Sends a file's own bytes as the body (chat banners, site logo): no JSON, no multipart. */
  upload<S extends z.ZodType>(path: string, bytes: Uint8Array, contentType: string, schema: S): Promise<z.infer<S>> {
    return this.call('PUT', path, schema, { raw: bytes, contentType });
  }

  /** A GET whose answer is a document, not JSON (report downloads); errors still come as JSON. */
  requestText(path: string): Promise<string> {
    return this.call('GET', path, null) as Promise<string>;
  }

  // --- plumbing -----------------------------------------------------------------------------

  /** Drops the session's secrets (logout, or the broker said the session is gone). */
  forget(): void {
    this.csrfToken = null;
    this.bearer = null;
  }

  private remember(out: { csrfToken: string; token?: string | undefined }): void {
    this.csrfToken = out.csrfToken;
    if (out.token) this.bearer = out.token;
  }

  /** `schema` null: the answer is a document, returned as text (errors still come as JSON). */
  private async call<S extends z.ZodType>(method: string, path: string, schema: S | null, body?: unknown | { raw: Uint8Array; contentType: string }): Promise<z.infer<S>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const raw = body !== null && typeof body === 'object' && 'raw' in body && body.raw instanceof Uint8Array ? (body as { raw: Uint8Array; contentType: string }) : null;
    if (raw) headers['content-type'] = raw.contentType;
    else if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.opts.mode === 'browser' && this.csrfToken && method !== 'GET') headers['x-csrf-token'] = this.csrfToken;
    if (this.opts.mode === 'desktop' && this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    let res: Awaited<ReturnType<FetchLike>>;
    try {
      res = await this.opts.fetch(`${this.opts.baseUrl}/api/v1${path}`, {
        method,
        headers,
        credentials: 'same-origin',
        ...(raw ? { body: new Uint8Array(raw.raw) } : body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (e) {
      throw new ApiError(0, 'network_error', `Cannot reach the site: ${(e as Error).message}`);
    }
    const text = await res.text();
    if (schema === null && res.ok) return text as z.infer<S>;
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new ApiError(res.status, 'bad_response', `The site answered ${res.status} with something that is not JSON`);
    }
    if (!res.ok) {
      const err = ErrorBody.safeParse(json);
      const hadSession = this.csrfToken !== null || this.bearer !== null;
      if (err.success && err.data.error.code === 'unauthenticated' && hadSession && path !== '/me') {
        this.forget();
        this.opts.onSessionLost?.();
      }
      if (err.success && hadSession && ['password_change_required', 'totp_enrollment_required'].includes(err.data.error.code)) {
        this.opts.onLoginIncomplete?.();
      }
      if (err.success) throw new ApiError(res.status, err.data.error.code, err.data.error.message, err.data.error.details);
      throw new ApiError(res.status, 'bad_response', `The site answered ${res.status}`);
    }
    if (schema === null) throw new ApiError(res.status, 'bad_response', `Unexpected answer from ${method} ${path}`);
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new ApiError(res.status, 'bad_response', `Unexpected answer from ${method} ${path}: ${parsed.error.issues[0]?.message ?? ''}`);
    }
    return parsed.data;
  }
}

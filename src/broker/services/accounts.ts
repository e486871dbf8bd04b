// Authentication and self-service: login with lockout and licence limit, sessions, password
// change, profile, and the security-question reset (LOG-1..4, ACC-3..5, STA-3).
import type { Logger } from 'pino';
import type { ChangePasswordBody, Me, UpdateMyProfileBody } from '../../protocol/auth.ts';
import { passwordPolicyFailures } from '../../protocol/text.ts';
import { adminPermissions } from '../../protocol/users.ts';
import { PasserelleError } from '../errors.ts';
import type { AuthSessionRecord, Store, UserRecord } from '../store/store.ts';
import { hashSecret, newToken, normaliseAnswer, sha256, verifySecret } from './secrets.ts';
import type { SiteService } from './site.ts';
import { acceptTotp } from './totp.ts';

export interface Clock {
  now(): Date;
}

export interface Authenticated {
  session: AuthSessionRecord;
  user: UserRecord;
  /** True while the only allowed operations are changePassword and logout. */
  passwordChangeRequired: boolean;
  /** LOG-5: the site requires a second factor this account lacks; only setting it up is allowed. */
  totpEnrollmentRequired: boolean;
}

export interface LoginOutcome extends Authenticated {
  token: string;
}

/**
 * Told when an account's login sessions were ended in the store, so its open console connections
 * close too (all of them, or all but the one that made the change).
 */
export type OnSessionsRevoked = (userId: number, reason: string, keepAuthSessionId?: string) => void;

const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
const TOUCH_EVERY_MS = 60 * 1000;

export function meOf(u: UserRecord): Me {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    displayNumber: u.displayNumber,
    permissions: u.permissions,
    securityQuestion: u.securityQuestion,
    mustChangePassword: u.mustChangePassword,
    passwordExpiresOn: u.passwordExpiresOn,
    lastAuthenticatedAt: u.lastAuthenticatedAt,
    totpEnabled: u.totpSecret !== null,
  };
}

export function assertPasswordPolicy(password: string): void {
  const failures = passwordPolicyFailures(password);
  if (failures.length > 0) {
    throw new PasserelleError(
      'password_policy',
      'The password needs at least 8 characters with an upper-case letter, a lower-case letter, a digit and a special character',
      { failures },
    );
  }
}

/** A password whose expiry date is before today (UTC) must be changed before anything else. */
export function passwordExpired(u: UserRecord, now: Date): boolean {
  return u.passwordExpiresOn !== null && u.passwordExpiresOn < now.toISOString().slice(0, 10);
}

export class AccountsService {
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly store: Store,
    private readonly site: SiteService,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly sessionsRevoked: OnSessionsRevoked,
  ) {}

  /** LOG-2: the first start creates admin/password, to be changed at first login. */
  async ensureInitialAdmin(): Promise<void> {
    if ((await this.store.countUsers()) > 0) return;
    const now = this.clock.now().toISOString();
    await this.store.insertUser(
      {
        username: 'admin',
        displayName: 'Administrator',
        displayNumber: 1,
        passwordHash: await hashSecret('password'),
        passwordChangedAt: now,
        passwordExpiresOn: null,
        mustChangePassword: true,
        securityQuestion: null,
        securityAnswerHash: null,
        disabled: false,
        permissions: adminPermissions,
      },
      now,
    );
    this.log.info('created the initial account "admin"; its password must be changed at first login');
  }

  async login(
    username: string,
    password: string,
    client: 'browser' | 'desktop',
    address: string,
    totpCode?: string,
  ): Promise<LoginOutcome> {
    const now = this.clock.now();
    const user = await this.store.getUserByUsername(username);
    if (!user) {
      // Same work as a real check, so timing does not reveal which usernames exist.
      await verifySecret(await this.getDummyHash(), password);
      throw new PasserelleError('invalid_credentials', 'Wrong username or password');
    }
    if (user.lockedUntil && user.lockedUntil > now.toISOString()) {
      throw new PasserelleError('account_locked', 'Too many failed logins: this account is locked for a while', {
        lockedUntil: user.lockedUntil,
      });
    }
    if (!(await verifySecret(user.passwordHash, password))) {
      await this.recordFailure(user);
      throw new PasserelleError('invalid_credentials', 'Wrong username or password');
    }
    if (user.disabled) throw new PasserelleError('account_disabled', 'This account is disabled');
    let totpLastStep = user.totpLastStep;
    if (user.totpSecret) {
      if (totpCode === undefined) {
        throw new PasserelleError('totp_required', 'Enter the code from your authenticator app');
      }
      const step = acceptTotp(user.totpSecret, totpCode, now, user.totpLastStep);
      if (step === null) {
        await this.recordFailure(user);
        throw new PasserelleError('totp_invalid', 'That code is wrong or was already used');
      }
      totpLastStep = step;
    }
    await this.assertLicenceFor(user, now);

    const nowIso = now.toISOString();
    const updated = (await this.store.updateUser(
      user.id,
      { failedLogins: 0, lockedUntil: null, lastAuthenticatedAt: nowIso, totpLastStep },
      nowIso,
    ))!;
    const token = newToken();
    const session: AuthSessionRecord = {
      id: newToken(12),
      userId: user.id,
      tokenHash: sha256(token),
      csrfToken: newToken(24),
      client,
      address,
      createdAt: nowIso,
      lastSeenAt: nowIso,
      expiresAt: new Date(now.getTime() + SESSION_IDLE_MS).toISOString(),
    };
    await this.store.insertAuthSession(session);
    this.log.info({ userId: user.id, client }, 'login');
    return { token, session, user: updated, ...(await this.restrictions(updated, now)) };
  }

  /** Resolves a session token; sliding expiry. */
  async authenticate(token: string): Promise<Authenticated> {
    const now = this.clock.now();
    const session = await this.store.getAuthSessionByTokenHash(sha256(token));
    if (!session || session.expiresAt <= now.toISOString()) {
      if (session) await this.store.deleteAuthSession(session.id);
      throw new PasserelleError('unauthenticated', 'Not logged in, or the session has ended');
    }
    const user = await this.store.getUserById(session.userId);
    if (!user || user.disabled) {
      await this.store.deleteAuthSession(session.id);
      throw new PasserelleError('unauthenticated', 'Not logged in, or the session has ended');
    }
    if (now.getTime() - Date.parse(session.lastSeenAt) > TOUCH_EVERY_MS) {
      session.lastSeenAt = now.toISOString();
      session.expiresAt = new Date(now.getTime() + SESSION_IDLE_MS).toISOString();
      await this.store.touchAuthSession(session.id, session.lastSeenAt, session.expiresAt);
    }
    return { session, user, ...(await this.restrictions(user, now)) };
  }

  async logout(sessionId: string): Promise<void> {
    await this.store.deleteAuthSession(sessionId);
  }

  async changePassword(auth: Authenticated, body: ChangePasswordBody): Promise<UserRecord> {
    const { user } = auth;
    if (!(await verifySecret(user.passwordHash, body.currentPassword))) {
      await this.recordFailure(user);
      throw new PasserelleError('wrong_password', 'The current password is wrong');
    }
    assertPasswordPolicy(body.newPassword);
    if (body.newPassword === body.currentPassword) {
      throw new PasserelleError('password_policy', 'The new password must differ from the current one', { failures: ['reused'] });
    }
    const now = this.clock.now();
    const nowIso = now.toISOString();
    const updated = await this.store.transaction(async () => {
      const u = await this.store.updateUser(
        user.id,
        {
          passwordHash: await hashSecret(body.newPassword),
          passwordChangedAt: nowIso,
          mustChangePassword: false,
          // A password changed because it expired starts again with no expiry date.
          ...(passwordExpired(user, now) ? { passwordExpiresOn: null } : {}),
        },
        nowIso,
      );
      await this.store.deleteAuthSessionsForUser(user.id, auth.session.id);
      return u!;
    });
    this.sessionsRevoked(user.id, 'password_changed', auth.session.id);
    this.log.info({ userId: user.id }, 'password changed');
    return updated;
  }

  async updateProfile(auth: Authenticated, body: UpdateMyProfileBody): Promise<UserRecord> {
    const { user } = auth;
    const changesSecurity = body.securityQuestion !== undefined || body.securityAnswer !== undefined;
    if (changesSecurity) {
      if (body.currentPassword === undefined || !(await verifySecret(user.passwordHash, body.currentPassword))) {
        throw new PasserelleError('wrong_password', 'Enter your current password to change the security question');
      }
    }
    const security = await securityPatch(user, body.securityQuestion, body.securityAnswer);
    return (await this.store.updateUser(
      user.id,
      { ...(body.displayName !== undefined ? { displayName: body.displayName } : {}), ...security },
      this.clock.now().toISOString(),
    ))!;
  }

  /** LOG-3: returns the security question of a user who may reset by answering it. */
  async requestPasswordReset(username: string): Promise<string> {
    const user = await this.resettableUser(username);
    return user.securityQuestion!;
  }

  async resetPasswordWithAnswer(username: string, answer: string, newPassword: string): Promise<void> {
    const user = await this.resettableUser(username);
    const now = this.clock.now();
    if (user.lockedUntil && user.lockedUntil > now.toISOString()) {
      throw new PasserelleError('account_locked', 'Too many failed attempts: this account is locked for a while');
    }
    if (!(await verifySecret(user.securityAnswerHash!, normaliseAnswer(answer)))) {
      await this.recordFailure(user);
      throw new PasserelleError('invalid_credentials', 'That answer is not the one on record');
    }
    assertPasswordPolicy(newPassword);
    const nowIso = now.toISOString();
    await this.store.transaction(async () => {
      await this.store.updateUser(
        user.id,
        {
          passwordHash: await hashSecret(newPassword),
          passwordChangedAt: nowIso,
          mustChangePassword: false,
          failedLogins: 0,
          lockedUntil: null,
          ...(passwordExpired(user, now) ? { passwordExpiresOn: null } : {}),
        },
        nowIso,
      );
      await this.store.deleteAuthSessionsForUser(user.id);
    });
    this.sessionsRevoked(user.id, 'password_changed');
    this.log.info({ userId: user.id }, 'password reset with the security answer');
  }

  private async resettableUser(username: string): Promise<UserRecord> {
    const settings = await this.site.settings();
    const user = await this.store.getUserByUsername(username);
    // One answer for every refusal, so the form does not reveal which accounts exist.
    if (
      !settings.passwordResetEnabled ||
      !user ||
      user.disabled ||
      user.permissions.administrator ||
      !user.securityQuestion ||
      !user.securityAnswerHash
    ) {
      throw new PasserelleError('reset_unavailable', 'Password reset is not available for this account; ask an administrator');
    }
    return user;
  }

  private async restrictions(u: UserRecord, now: Date): Promise<Pick<Authenticated, 'passwordChangeRequired' | 'totpEnrollmentRequired'>> {
    return {
      passwordChangeRequired: u.mustChangePassword || passwordExpired(u, now),
      totpEnrollmentRequired: u.totpSecret === null && (await this.site.settings()).totpRequired,
    };
  }

  /** Counts a failed password or code, and locks the account at the site's threshold (LOG-4). */
  async recordFailure(user: UserRecord): Promise<void> {
    const { lockoutThreshold, lockoutMinutes } = await this.site.settings();
    const now = this.clock.now();
    const failedLogins = user.failedLogins + 1;
    const lockedUntil =
      failedLogins >= lockoutThreshold ? new Date(now.getTime() + lockoutMinutes * 60_000).toISOString() : user.lockedUntil;
    await this.store.updateUser(user.id, { failedLogins, lockedUntil }, now.toISOString());
    if (lockedUntil !== user.lockedUntil) this.log.warn({ userId: user.id, failedLogins }, 'account locked after failed logins');
  }

  /** STA-3: a rep beyond the named-user licence count cannot log in; administrators always can. */
  private async assertLicenceFor(user: UserRecord, now: Date): Promise<void> {
    if (user.permissions.administrator) return;
    const { namedUserLicences } = await this.site.settings();
    const nowIso = now.toISOString();
    await this.store.deleteExpiredAuthSessions(nowIso);
    const inUse = await this.store.countUsersWithLiveSessions(nowIso);
    const holdsLicence = (await this.store.countLiveSessionsForUser(user.id, nowIso)) > 0;
    if (!holdsLicence && inUse >= namedUserLicences) {
      throw new PasserelleError('licence_limit_reached', `All ${namedUserLicences} named-user licences are in use`);
    }
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= hashSecret(newToken());
    return this.dummyHash;
  }
}

/** Builds the store patch for a security question/answer change; both or neither must be set. */
export async function securityPatch(
  user: Pick<UserRecord, 'securityQuestion' | 'securityAnswerHash'> | undefined,
  question: string | null | undefined,
  answer: string | undefined,
): Promise<{ securityQuestion?: string | null; securityAnswerHash?: string | null }> {
  if (question === null) return { securityQuestion: null, securityAnswerHash: null };
  if (question === undefined && answer === undefined) return {};
  const q = question?.trim() ?? user?.securityQuestion ?? '';
  if (!q) throw new PasserelleError('validation_failed', 'A security answer needs a question', { field: 'securityQuestion' });
  if (answer === undefined || normaliseAnswer(answer) === '') {
    if (question !== undefined && user?.securityAnswerHash && question.trim() === user.securityQuestion) return {};
    throw new PasserelleError('validation_failed', 'A security question needs an answer', { field: 'securityAnswer' });
  }
  return { securityQuestion: q, securityAnswerHash: await hashSecret(normaliseAnswer(answer)) };
}

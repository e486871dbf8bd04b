// User administration (USR-1..7): list, search, create, edit, delete, reset failures, disable.
import type { Logger } from 'pino';
import type { CreateUserBody, Permissions, UpdateUserBody, UserView } from '../../protocol/users.ts';
import { defaultRepPermissions } from '../../protocol/users.ts';
import { PasserelleError } from '../errors.ts';
import type { Store, UserPatch, UserRecord } from '../store/store.ts';
import { assertPasswordPolicy, securityPatch, type Clock } from './accounts.ts';
import { hashSecret } from './secrets.ts';

export function userViewOf(u: UserRecord): UserView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    displayNumber: u.displayNumber,
    passwordExpiresOn: u.passwordExpiresOn,
    hasSecurityQuestion: u.securityQuestion !== null && u.securityAnswerHash !== null,
    securityQuestion: u.securityQuestion,
    lastAuthenticatedAt: u.lastAuthenticatedAt,
    failedLogins: u.failedLogins,
    lockedUntil: u.lockedUntil,
    disabled: u.disabled,
    mustChangePassword: u.mustChangePassword,
    totpEnabled: u.totpSecret !== null,
    permissions: u.permissions,
    createdAt: u.createdAt,
  };
}

/** USR-12: attaching Jump Clients depends on the all-groups Jump right. */
function checkPermissions(p: Permissions): Permissions {
  if (p.attachJumpClients && !p.jumpManageAll) {
    throw new PasserelleError(
      'validation_failed',
      'Attaching Jump Clients requires the right to deploy, remove and modify Jump items in all Jump groups',
      { field: 'permissions.attachJumpClients' },
    );
  }
  return p;
}

export interface UserEvents {
  /** Called when a user's sessions must end (deleted, disabled, password reset by an admin). */
  userSessionsRevoked(userId: number): void;
}

export class UsersService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly events: UserEvents,
  ) {}

  async list(q?: string): Promise<UserView[]> {
    return (await this.store.listUsers(q?.trim() || undefined)).map(userViewOf);
  }

  async get(id: number): Promise<UserView> {
    return userViewOf(await this.require(id));
  }

  async create(body: CreateUserBody): Promise<UserView> {
    assertPasswordPolicy(body.password);
    const permissions = checkPermissions({ ...defaultRepPermissions, ...body.permissions });
    const security = await securityPatch(undefined, body.securityQuestion, body.securityAnswer);
    const passwordHash = await hashSecret(body.password);
    const now = this.clock.now().toISOString();
    const user = await this.store.transaction(async () => {
      if (await this.store.getUserByUsername(body.username)) {
        throw new PasserelleError('conflict', `The username "${body.username}" is taken`, { field: 'username' });
      }
      return this.store.insertUser(
        {
          username: body.username,
          displayName: body.displayName,
          displayNumber: body.displayNumber ?? (await this.store.nextDisplayNumber()),
          passwordHash,
          passwordChangedAt: now,
          passwordExpiresOn: body.passwordExpiresOn ?? null,
          mustChangePassword: body.mustChangePassword ?? false,
          securityQuestion: security.securityQuestion ?? null,
          securityAnswerHash: security.securityAnswerHash ?? null,
          disabled: body.disabled ?? false,
          permissions,
        },
        now,
      );
    });
    this.log.info({ userId: user.id }, 'user created');
    return userViewOf(user);
  }

  async update(actorId: number, id: number, body: UpdateUserBody): Promise<UserView> {
    const current = await this.require(id);
    const permissions = body.permissions ? checkPermissions({ ...current.permissions, ...body.permissions }) : undefined;
    if (actorId === id) {
      if (body.disabled === true) throw new PasserelleError('own_account', 'You cannot disable your own account');
      if (permissions && !permissions.administrator && current.permissions.administrator) {
        throw new PasserelleError('own_account', 'You cannot remove your own administrator permission');
      }
    }
    if (body.password !== undefined) assertPasswordPolicy(body.password);
    const patch: UserPatch = {
      ...(body.username !== undefined ? { username: body.username } : {}),
      ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
      ...(body.displayNumber !== undefined ? { displayNumber: body.displayNumber } : {}),
      ...(body.passwordExpiresOn !== undefined ? { passwordExpiresOn: body.passwordExpiresOn } : {}),
      ...(body.disabled !== undefined ? { disabled: body.disabled } : {}),
      ...(body.mustChangePassword !== undefined ? { mustChangePassword: body.mustChangePassword } : {}),
      ...(permissions ? { permissions } : {}),
      ...(body.resetTotp ? { totpSecret: null, totpPendingSecret: null, totpLastStep: null } : {}),
      ...(await securityPatch(current, body.securityQuestion, body.securityAnswer)),
    };
    const now = this.clock.now().toISOString();
    if (body.password !== undefined) {
      patch.passwordHash = await hashSecret(body.password);
      patch.passwordChangedAt = now;
    }
    const revoke = (body.disabled === true && !current.disabled) || (body.password !== undefined && actorId !== id);
    const updated = await this.store.transaction(async () => {
      if (body.username !== undefined) {
        const other = await this.store.getUserByUsername(body.username);
        if (other && other.id !== id) {
          throw new PasserelleError('conflict', `The username "${body.username}" is taken`, { field: 'username' });
        }
      }
      const u = await this.store.updateUser(id, patch, now);
      if (revoke) await this.store.deleteAuthSessionsForUser(id);
      return u!;
    });
    if (revoke) this.events.userSessionsRevoked(id);
    this.log.info({ userId: id, by: actorId, fields: Object.keys(body) }, 'user updated');
    return userViewOf(updated);
  }

  /** USR-4: nobody deletes their own account. */
  async delete(actorId: number, id: number): Promise<void> {
    if (actorId === id) throw new PasserelleError('own_account', 'You cannot delete your own account');
    await this.require(id);
    await this.store.deleteUser(id);
    this.events.userSessionsRevoked(id);
    this.log.info({ userId: id, by: actorId }, 'user deleted');
  }

  /** USR-5, LOG-4: back to zero failures, and any lockout lifted. */
  async resetFailedLogins(id: number): Promise<UserView> {
    await this.require(id);
    const u = await this.store.updateUser(id, { failedLogins: 0, lockedUntil: null }, this.clock.now().toISOString());
    return userViewOf(u!);
  }

  private async require(id: number): Promise<UserRecord> {
    const u = await this.store.getUserById(id);
    if (!u) throw new PasserelleError('not_found', `No user with id ${id}`);
    return u;
  }
}

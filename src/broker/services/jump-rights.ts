// Who may do what with Jump Clients (USR-10), checked by the broker on every call: the rep's own
// Jump group is `user:<username>`; the all-groups rights open the others.
import type { Permissions } from '../../protocol/users.ts';
import { PasserelleError } from '../errors.ts';
import type { UserRecord } from '../store/store.ts';

export function personalGroup(user: Pick<UserRecord, 'username'>): string {
  return `user:${user.username.toLowerCase()}`;
}

function isOwn(user: UserRecord, group: string): boolean {
  return group.toLowerCase() === personalGroup(user);
}

const p = (user: UserRecord): Permissions => user.permissions;

/** Deploy, edit or remove Jump Clients in `group`. */
export function canManage(user: UserRecord, group: string): boolean {
  if (p(user).administrator || p(user).jumpManageAll) return true;
  return p(user).jumpClients && isOwn(user, group);
}

/** See a Jump Client in the list. */
export function canSee(user: UserRecord, group: string): boolean {
  return canManage(user, group) || p(user).jumpStartAll || isOwn(user, group);
}

/** Start a session on a Jump Client in `group` (JMP-9). */
export function canJump(user: UserRecord, group: string): boolean {
  if (!p(user).administrator && !p(user).jumpClients) return false;
  return p(user).administrator || p(user).jumpStartAll || isOwn(user, group);
}

export function requireManage(user: UserRecord, group: string): void {
  if (!canManage(user, group)) {
    throw new PasserelleError('forbidden', `You may not deploy, modify or remove Jump Clients in the Jump group "${group}"`);
  }
}

export function requireJump(user: UserRecord, group: string): void {
  if (!p(user).administrator && !p(user).jumpClients) throw new PasserelleError('forbidden', 'You are not allowed to use Jump Clients');
  if (!canJump(user, group)) throw new PasserelleError('forbidden', `You may not start sessions on Jump Clients of the Jump group "${group}"`);
}

// The broker's domain services wired together; routes and gateways receive this, nothing global.
import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';
import { AccountsService, type Clock } from './accounts.ts';
import { PresenceService } from './presence.ts';
import { SiteService, type Licences } from './site.ts';
import { UsersService } from './users.ts';

export interface Services {
  store: Store;
  clock: Clock;
  log: Logger;
  site: SiteService;
  accounts: AccountsService;
  users: UsersService;
  presence: PresenceService;
  version: string;
  startedAt: Date;
  certificateFingerprint: string | null;
}

export interface ServiceOptions {
  store: Store;
  log: Logger;
  clock?: Clock;
  licences: Licences;
  defaultHostName: string;
  version: string;
  certificateFingerprint: string | null;
}

export const systemClock: Clock = { now: () => new Date() };

export function createServices(o: ServiceOptions): Services {
  const clock = o.clock ?? systemClock;
  const site = new SiteService(o.store, o.licences, o.defaultHostName);
  const presence = new PresenceService(clock);
  const accounts = new AccountsService(o.store, site, clock, o.log);
  const users = new UsersService(o.store, clock, o.log, {
    userSessionsRevoked: (userId) => presence.closeUser(userId, 'account_changed'),
  });
  return {
    store: o.store,
    clock,
    log: o.log,
    site,
    accounts,
    users,
    presence,
    version: o.version,
    startedAt: clock.now(),
    certificateFingerprint: o.certificateFingerprint,
  };
}

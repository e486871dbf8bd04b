// Two-step verification on one's own account (LOG-5): set up a TOTP authenticator, turn it off.
// Login-time checking lives in AccountsService.login.
import type { Logger } from 'pino';
import { PasserelleError } from '../errors.ts';
import type { Store, UserRecord } from '../store/store.ts';
import type { AccountsService, Authenticated, Clock, OnSessionsRevoked } from './accounts.ts';
import { verifySecret } from './secrets.ts';
import type { SiteService } from './site.ts';
import { acceptTotp, newTotpSecret, totpEnrollment } from './totp.ts';

export class TwoStepService {
  constructor(
    private readonly store: Store,
    private readonly site: SiteService,
    private readonly accounts: AccountsService,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly sessionsRevoked: OnSessionsRevoked,
  ) {}

  /** A new secret to scan; it takes effect once a code from it is confirmed. */
  async start(auth: Authenticated, currentPassword: string) {
    if (!(await verifySecret(auth.user.passwordHash, currentPassword))) {
      await this.accounts.recordFailure(auth.user);
      throw new PasserelleError('wrong_password', 'The current password is wrong');
    }
    const secret = newTotpSecret();
    await this.store.updateUser(auth.user.id, { totpPendingSecret: secret }, this.clock.now().toISOString());
    const { clientHostName } = await this.site.settings();
    return totpEnrollment(secret, `${auth.user.username}@${clientHostName}`, 'Passerelle');
  }

  async confirm(auth: Authenticated, code: string): Promise<UserRecord> {
    const user = (await this.store.getUserById(auth.user.id))!;
    if (!user.totpPendingSecret) throw new PasserelleError('conflict', 'Start the setup first');
    const now = this.clock.now();
    const step = acceptTotp(user.totpPendingSecret, code, now, null);
    if (step === null) throw new PasserelleError('totp_invalid', 'That code does not match; check the time on your phone');
    const updated = await this.store.transaction(async () => {
      const u = await this.store.updateUser(
        user.id,
        { totpSecret: user.totpPendingSecret, totpPendingSecret: null, totpLastStep: step },
        now.toISOString(),
      );
      await this.store.deleteAuthSessionsForUser(user.id, auth.session.id);
      return u!;
    });
    this.sessionsRevoked(user.id, 'two_step_enabled', auth.session.id);
    this.log.info({ userId: user.id }, 'second factor enabled');
    return updated;
  }

  async disable(auth: Authenticated, currentPassword: string, code: string): Promise<UserRecord> {
    if ((await this.site.settings()).totpRequired) {
      throw new PasserelleError('conflict', 'This site requires a second factor for every account');
    }
    const user = auth.user;
    if (!user.totpSecret) throw new PasserelleError('conflict', 'No second factor is set up');
    const now = this.clock.now();
    if (!(await verifySecret(user.passwordHash, currentPassword)) || acceptTotp(user.totpSecret, code, now, user.totpLastStep) === null) {
      await this.accounts.recordFailure(user);
      throw new PasserelleError('wrong_password', 'The password or the code is wrong');
    }
    const updated = await this.store.updateUser(user.id, { totpSecret: null, totpPendingSecret: null, totpLastStep: null }, now.toISOString());
    this.log.info({ userId: user.id }, 'second factor disabled');
    return updated!;
  }
}

// Second factor (LOG-5): a TOTP secret per user, one being set up, and the last time step used
// (a code is accepted once only).
import type { Migration } from './index.ts';

export const migration0003: Migration = {
  version: 3,
  name: 'totp',
  up: `
    ALTER TABLE users ADD COLUMN totp_secret TEXT;
    ALTER TABLE users ADD COLUMN totp_pending_secret TEXT;
    ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
  `,
};

// Ordered list of schema migrations; one file per migration, applied once each, in a transaction.
import { migration0001 } from './0001-accounts.ts';
import { migration0002 } from './0002-sessions.ts';
import { migration0003 } from './0003-totp.ts';
import { migration0004 } from './0004-reports.ts';
import { migration0005 } from './0005-portal-look.ts';
import { migration0006 } from './0006-jump-clients.ts';
import { migration0008 } from './0008-recordings.ts';
import { migration0007 } from './0007-presentations.ts';
import { migration0010 } from './0010-recording-report-access.ts';
import { migration0011 } from './0011-report-ip-indexes.ts';
import { migration0012 } from './0012-jump-client-count.ts';
import { migration0009 } from './0009-presentation-report-access.ts';

export interface Migration {
  version: number;
  name: string;
  up: string;
}

export const migrations: Migration[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006, migration0007, migration0008, migration0009, migration0010, migration0011, migration0012];

// Tests share their set-up (issue 9 item 15): the suite's broker and logged-in admin come from one
// fixture in test/support (brokerWithAdmin, or startE2e for Chromium), not from a before/after
// block copied into each file. The files below still start their own, each for the reason given
// or until its owner moves it; a new file cannot join the list without saying why.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';

const ownSetUp: Record<string, string> = {
  'test/integration/site.test.ts': 'restarts the broker on the same data directory mid-test',
  'test/integration/sessions-restart.test.ts': 'stops and restarts brokers as the test itself',
  'test/integration/auth.test.ts': 'logs in as the first admin to test the first login',
  'test/e2e/login.test.ts': 'drives the first login and password change in Chromium',
  'test/integration/annotations-through-broker.test.ts': 'starts Xvfb before the broker',
  'test/integration/customer-take-back.test.ts': 'starts Xvfb before the broker',
  'test/integration/screen-view-only.test.ts': 'starts Xvfb before the broker',
  'test/integration/jump-session.test.ts': 'starts Xvfb before the broker',
  'test/integration/jump-wine.test.ts': 'prepares a wine prefix before the broker',
  'test/integration/jump-sea.test.ts': 'builds the executable before the broker (to move)',
  'test/integration/jump-msi.test.ts': 'builds the MSI before the broker (to move)',
  'test/integration/jump-email.test.ts': 'starts an SMTP server before the broker (to move)',
  'test/integration/jump-attach.test.ts': 'to move (issue 11)',
  'test/integration/console-updates.test.ts': 'to move',
  'test/integration/files-tools.test.ts': 'to move (issue 8)',
  'test/integration/elevation.test.ts': 'to move (issue 8)',
  'test/integration/desktop-downloads.test.ts': 'to move (issue 8)',
  'test/integration/jump-update.test.ts': 'publishes builds and restarts the site around the broker',
  'test/integration/jump-msi-update.test.ts': 'builds two Windows executables and a wine prefix, and restarts the site around the broker',
  'test/integration/jump-service.test.ts': 'to move (issue 11)',
  'test/integration/presentations.test.ts': 'two suites with their own limits (to move, issue 12)',
  'test/integration/recordings.test.ts': 'to move (issue 10)',
  'test/integration/reports.test.ts': 'to move (issue 10)',
};

describe('shared test set-up (issue 9 item 15)', () => {
  it('no test file copies the broker-and-admin set-up unless listed with its reason', () => {
    const files = execFileSync('git', ['grep', '-l', 'adminClient(', '--', 'test/integration', 'test/e2e'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
    assert.deepEqual(files.filter((f) => !(f in ownSetUp)), [], 'use brokerWithAdmin (test/support/broker.ts) or startE2e (test/support/browser.ts)');
  });
});

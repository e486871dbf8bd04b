// ACC-1 (platform detected from the browser) and ACC-2 (the exact msiexec line).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildMsiCommand, defaultMsiOptions, msiOptionProblems } from '../../src/console-core/msi-command.ts';
import { detectPlatform } from '../../src/protocol/downloads.ts';

describe('MSI command builder', () => {
  const file = 'Passerelle-0.1.0-x64.msi';
  it('ACC-2: the defaults (all users, no start at login) are written out', () => {
    assert.equal(buildMsiCommand(file, defaultMsiOptions), 'msiexec /i Passerelle-0.1.0-x64.msi /qn RUNATSTARTUP=0 ALLUSERS=1');
  });

  it('ACC-2: per user with auto-update, a folder with spaces, start at login', () => {
    const line = buildMsiCommand(file, { installDir: 'C:\\Program Files\\Support Tools\\PT', runAtStartup: '1', allUsers: '', shouldAutoUpdate: '1' });
    assert.equal(line, 'msiexec /i Passerelle-0.1.0-x64.msi /qn INSTALLDIR="C:\\Program Files\\Support Tools\\PT" RUNATSTARTUP=1 ALLUSERS="" SHOULDAUTOUPDATE=1');
  });

  it('ACC-2: SHOULDAUTOUPDATE is left out of all-users installs, which never update themselves', () => {
    assert.ok(!buildMsiCommand(file, { ...defaultMsiOptions, shouldAutoUpdate: '1' }).includes('SHOULDAUTOUPDATE'));
    assert.deepEqual(msiOptionProblems({ ...defaultMsiOptions, shouldAutoUpdate: '1' }), ['auto_update_needs_per_user']);
  });

  it('ACC-2: a relative folder or one with forbidden characters is flagged', () => {
    assert.deepEqual(msiOptionProblems({ ...defaultMsiOptions, installDir: 'Apps\\PT' }), ['install_dir_not_absolute']);
    assert.deepEqual(msiOptionProblems({ ...defaultMsiOptions, installDir: 'C:\\Apps\\"PT"' }), ['install_dir_bad_characters']);
    assert.deepEqual(msiOptionProblems({ ...defaultMsiOptions, installDir: '\\\\server\\share\\PT' }), []);
    assert.ok(buildMsiCommand('My Console.msi', defaultMsiOptions).startsWith('msiexec /i "My Console.msi" /qn '));
  });
});

describe('platform detection', () => {
  it('ACC-1: Windows, macOS and Linux browsers; phones get no default', () => {
    assert.equal(detectPlatform('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130 Safari/537.36'), 'windows');
    assert.equal(detectPlatform('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15'), 'macos');
    assert.equal(detectPlatform('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156 Safari/537.36'), 'linux');
    assert.equal(detectPlatform('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Mobile Safari/537.36'), null);
    assert.equal(detectPlatform('Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)'), null);
    assert.equal(detectPlatform(undefined), null);
  });
});

// JMP-3, statically: the Jump Client MSI's source (what wixl builds), its after-build fixups, and
// the Windows event log command an install error is written with (wine has no eventcreate, so the
// integration test sees the fallback file; the command itself is checked here).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventCreateArgs, windowsErrorLog } from '../../src/endpoint/jump/install.ts';
import { CHECK_INSTALL_DIR, JUMP_MSI_SEQUENCE, jumpMsiFixups, jumpWxs } from '../../src/installers/jump-msi.ts';

describe('Jump Client MSI (JMP-3)', () => {
  const wxs = jumpWxs({ exe: '/b/dist/jump/passerelle-jump-win-x64.exe', version: '1.2.3-beta.1' }, '/b/dist/jump');

  it('JMP-3: passes every guide property to the executable, folders quoted so their trailing backslash does not escape the quote', () => {
    assert.match(wxs, /Version="1\.2\.3"/);
    assert.match(wxs, /Source="passerelle-jump-win-x64\.exe"/);
    for (const p of ['KEY_INFO', 'JC_JUMP_GROUP', 'JC_TAG', 'JC_COMMENTS', 'PASSERELLE_SITE', 'PASSERELLE_PIN']) assert.ok(wxs.includes(`[${p}]`), p);
    assert.ok(wxs.includes('--install-dir &quot;[INSTALLDIR].&quot;'));
    assert.doesNotMatch(wxs, /\[INSTALLDIR\]&quot;/, 'no "[INSTALLDIR]" (C:\\X\\" would escape the quote)');
  });

  it('JMP-3: launch conditions refuse a package no site served, a missing KEY_INFO and a jc_jump_group not of the form user:<name>', () => {
    assert.match(wxs, /<Condition Message="This package was not downloaded from a Passerelle site/);
    assert.match(wxs, /Installed OR KEY_INFO<\/Condition>/);
    assert.match(wxs, /JC_JUMP_GROUP &lt;&lt; "user:"/);
  });

  it('JMP-3, JMP-2: the fixups add the existing-folder check and put every custom action at a fixed place', () => {
    assert.ok(jumpMsiFixups.some((q) => q.includes("'CheckInstallDir', 34, 'TARGETDIR'") && q.includes(CHECK_INSTALL_DIR)));
    assert.match(CHECK_INSTALL_DIR, /if exist "\[INSTALLDIR\]\*" \(exit 10\)/);
    for (const [action, n] of Object.entries(JUMP_MSI_SEQUENCE)) assert.ok(jumpMsiFixups.includes(`UPDATE InstallExecuteSequence SET Sequence=${n} WHERE Action='${action}'`), action);
    assert.ok(JUMP_MSI_SEQUENCE.RemoveJumpClientState > 1500 && JUMP_MSI_SEQUENCE.RemoveJumpClientState < 3500, 'inside the script, before RemoveFiles');
    assert.ok(JUMP_MSI_SEQUENCE.RegisterJumpClient > 4000 && JUMP_MSI_SEQUENCE.RegisterJumpClient < 6600, 'after InstallFiles, inside the script (rolled back on failure)');
  });

  it('JMP-3: an install error goes to the Application event log as one line from the PasserelleJump source, with a file fallback', () => {
    assert.deepEqual(eventCreateArgs('bad\r\nthing'), ['/T', 'ERROR', '/ID', '1000', '/L', 'APPLICATION', '/SO', 'PasserelleJump', '/D', 'bad thing']);
    assert.equal(eventCreateArgs('x'.repeat(5000)).at(-1)!.length, 1000);
    assert.match(windowsErrorLog({ ProgramData: 'C:\\ProgramData' }), /Passerelle[\\/]jump-install-errors\.log$/);
  });
});

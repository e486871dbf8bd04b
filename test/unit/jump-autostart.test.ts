// JMP-10 (an attached Jump Client starts at each log-on) and JMP-3 (an MSI-installed one is removed
// through msiexec): the autostart entry's quoting, and the removal's command line.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { autostartDir, desktopEntry, desktopExecArg, parseDesktopExec, windowsRunCommand } from '../../src/endpoint/jump/autostart.ts';
import { MSI_FILE, msiexecRemovalArgs, readMsiInstall, writeMsiInstall } from '../../src/endpoint/jump/msi-removal.ts';

describe('Jump Client autostart and MSI removal', () => {
  it('JMP-10: the desktop entry quotes every argument so the session manager reads back exactly what runs it', () => {
    const args = ['/opt/Passerelle Jump/passerelle-jump', 'jump', 'run', '--install-dir', '/home/zoé/My "Files" $HOME `x` 100% \\back'];
    const entry = desktopEntry(args[0]!, args.slice(1));
    const exec = /^Exec=(.*)$/m.exec(entry)![1]!;
    assert.deepEqual(parseDesktopExec(exec), args);
    assert.equal(desktopExecArg('/usr/bin/node'), '/usr/bin/node', 'plain paths stay bare');
    assert.equal(desktopExecArg('a b'), '"a b"');
    assert.equal(desktopExecArg('50%'), '50%%', 'no field code');
    assert.equal(desktopExecArg('a"b'), '"a\\\\"b"', 'quote escaped, then the string escape doubles the backslash');
    assert.equal(autostartDir({ HOME: '/home/z' }), '/home/z/.config/autostart');
    assert.equal(autostartDir({ HOME: '/home/z', XDG_CONFIG_HOME: '/cfg' }), '/cfg/autostart');
  });

  it('JMP-10: the Windows Run value quotes a path with spaces', () => {
    assert.equal(windowsRunCommand('C:\\Program Files\\P\\passerelle.exe', ['jump', 'run', '--install-dir', 'C:\\Users\\Zoé\\AppData\\Local\\Passerelle Jump']), '"C:\\Program Files\\P\\passerelle.exe" jump run --install-dir "C:\\Users\\Zoé\\AppData\\Local\\Passerelle Jump"');
  });

  it('JMP-3: the product code is kept, read back, checked; msiexec removes it quietly with a log', () => {
    const dir = mkdtempSync(join(tmpdir(), 'passerelle-msi-file-'));
    try {
      assert.equal(readMsiInstall(dir), null, 'not an MSI install');
      const code = '{0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D}';
      writeMsiInstall(dir, code);
      assert.equal(readMsiInstall(dir), code);
      writeFileSync(join(dir, MSI_FILE), JSON.stringify({ productCode: 'x & calc' }));
      assert.equal(readMsiInstall(dir), null, 'a tampered file is ignored');
      assert.throws(() => writeMsiInstall(dir, 'not-a-guid'));
      assert.deepEqual(msiexecRemovalArgs(code, 'C:\\ProgramData\\Passerelle\\jump-uninstall.log'), ['/x', code, '/qn', '/norestart', '/l*v', 'C:\\ProgramData\\Passerelle\\jump-uninstall.log']);
      assert.throws(() => msiexecRemovalArgs('/i evil.msi', 'x'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

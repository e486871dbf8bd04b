// USR-13 on Windows, statically (wine has no PowerShell): the Yes/No box a Jump Client shows when
// the rep's unattended prompt setting asks the remote user, its timeout, quoting and answer code.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PROMPT_TITLE, WINDOWS_YES, windowsPopupScript } from '../../src/endpoint/jump/consent-prompt.ts';

describe('Windows consent box (USR-13, JMP-9)', () => {
  it('USR-13: asks in French and English, times out, stays on top, and a quote in the rep\'s name cannot end the string', () => {
    const script = windowsPopupScript({ requestId: 'r1', permission: 'screen_view', repName: "Jean O'Neil" }, 60);
    assert.match(script, /^\$r = \(New-Object -ComObject WScript\.Shell\)\.Popup\('/);
    assert.ok(script.includes("Jean O''Neil asks to view your screen."), script);
    assert.ok(script.includes('demande à voir votre écran.'));
    assert.ok(script.includes(`, 60, '${PROMPT_TITLE}', 4132); exit $r`));
    // Outside the quoted strings only the fixed code remains.
    assert.equal(script.replace(/'(?:[^']|'')*'/g, "''"), "$r = (New-Object -ComObject WScript.Shell).Popup('', 60, '', 4132); exit $r");
    assert.equal(WINDOWS_YES, 6, 'Popup returns 6 for Yes; No (7) and the timeout (-1) deny');
    assert.match(windowsPopupScript({ requestId: 'r', permission: 'shell', repName: 'A' }, 0), /, 1, /);
  });
});

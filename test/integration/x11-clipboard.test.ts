// Clipboard text both ways on a real X server (CON-4): what the rep sends pastes in other X
// programs (xclip reads it as CLIPBOARD and PRIMARY), what the customer copies is read, and a
// 100 MB clipboard is refused once it passes the limit.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { X11Clipboard, type CopiedText } from '../../src/endpoint/platform/linux-x11/clipboard.ts';
import { MAX_CLIPBOARD_BYTES } from '../../src/protocol/remote-control.ts';
import { startXvfb, type XDisplay } from '../support/x-display.ts';

describe('X11 clipboard (CON-4)', () => {
  let x: XDisplay;
  let clip: X11Clipboard;
  const copied: CopiedText[] = [];
  let onCopied: (() => void) | null = null;
  const nextCopied = () =>
    new Promise<CopiedText>((resolve) => {
      const start = copied.length;
      onCopied = () => {
        if (copied.length > start) resolve(copied[start]!);
      };
    });

  before(async () => {
    x = await startXvfb();
    clip = await X11Clipboard.open(x.display, { warn: () => {} }, MAX_CLIPBOARD_BYTES);
    clip.onCopied((t) => {
      copied.push(t);
      onCopied?.();
    });
  });
  after(async () => {
    clip.close();
    await x.close();
  });

  it('CON-4: text from the rep is what other programs paste, from CLIPBOARD and from PRIMARY', async () => {
    await clip.set('collé depuis le poste du technicien: é € ✓');
    assert.equal(await x.run('xclip', ['-o', '-selection', 'clipboard']), 'collé depuis le poste du technicien: é € ✓');
    assert.equal(await x.run('xclip', ['-o', '-selection', 'primary']), 'collé depuis le poste du technicien: é € ✓');
    const targets = await x.run('xclip', ['-o', '-selection', 'clipboard', '-t', 'TARGETS']);
    assert.match(targets, /UTF8_STRING/);
  });

  it('CON-4: text the customer copies in another program is read', async () => {
    const got = nextCopied();
    const owner = x.spawn('sh', ['-c', "printf 'copié chez le client' | xclip -quiet -selection clipboard -i"]);
    assert.deepEqual(await got, { ok: true, text: 'copié chez le client' });
    owner.kill();
  });

  it('CON-4: 200 KB of copied text arrives whole', async () => {
    const got = nextCopied();
    const owner = x.spawn('sh', ['-c', "head -c 200000 /dev/zero | tr '\\0' 'z' | xclip -quiet -selection clipboard -i"]);
    const r = await got;
    assert.ok(r.ok && r.text.length === 200000 && /^z+$/.test(r.text));
    owner.kill();
  });

  it('CON-4 bad input: a 100 MB clipboard is refused as clipboard_too_large, reading no more than the limit and one chunk', async () => {
    const got = nextCopied();
    const owner = x.spawn('sh', ['-c', "head -c 100000000 /dev/zero | tr '\\0' 'a' | xclip -quiet -selection clipboard -i"]);
    const r = await got;
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.code === 'clipboard_too_large' && r.bytes > MAX_CLIPBOARD_BYTES && r.bytes < 4 * MAX_CLIPBOARD_BYTES, JSON.stringify(r));
    owner.kill();
  });
});

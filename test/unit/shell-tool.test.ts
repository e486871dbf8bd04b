// The customer side's shell tool (node-pty) and the console's shell client over in-memory
// channels: a command runs, resize reaches the pty, a flooding command is held back by the
// channel instead of filling memory, and the transcript is kept as events.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { RemoteShell } from '../../src/console-core/shell/remote-shell.ts';
import type { ShellChannelMeta } from '../../src/protocol/shell.ts';
import { toolHarness, type ToolHarness } from '../support/file-tools.ts';

let h: ToolHarness;
beforeEach(async () => (h = await toolHarness()));
afterEach(async () => h.cleanup());

function outputWaiter() {
  let text = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  return {
    output: (b: Uint8Array) => {
      text += Buffer.from(b).toString('utf8');
      for (const w of [...waiters]) {
        if (!w.re.test(text)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    },
    wait: (re: RegExp) => new Promise<void>((resolve) => (re.test(text) ? resolve() : waiters.push({ re, resolve }))),
    get text() { return text; },
  };
}

describe('remote shell (CON-7)', { timeout: 30_000 }, () => {
  it('CON-7: runs uname -a in the customer\'s file root, resizes, exits; transcript kept as events', async () => {
    const out = outputWaiter();
    const closed: { reason: string; exitCode?: number }[] = [];
    const shell = await RemoteShell.open((m: ShellChannelMeta) => h.open('shell', m), { cols: 80, rows: 24 }, { output: out.output, closed: (i) => closed.push(i) });
    await shell.write('uname -a; pwd\r');
    await out.wait(/Linux \S+ .*\r?\n/);
    await out.wait(new RegExp(h.root.replace(/[/.]/g, '\\$&')));
    await shell.resize(120, 40);
    await shell.write('stty size\r');
    await out.wait(/40 120/);
    await shell.write('exit 3\r');
    const end = await shell.ended;
    assert.equal(end.exitCode, 3);
    await Promise.all(h.handlers);
    const kinds = h.events.map((e) => e.kind);
    assert.equal(kinds[0], 'shell_opened');
    assert.equal(kinds.at(-1), 'shell_closed');
    const transcript = h.events.filter((e) => e.kind === 'shell_transcript');
    assert.ok(transcript.some((e) => e.kind === 'shell_transcript' && e.stream === 'input' && e.text.includes('uname -a')));
    assert.ok(transcript.some((e) => e.kind === 'shell_transcript' && e.stream === 'output' && e.text.includes('Linux')));
    assert.ok(closed.length === 1);
  });

  it('CON-7: a flooding shell waits for the console: the agent never runs more than a window ahead; the log is bounded', async () => {
    const window = 64 * 1024;
    let consumed = 0;
    let maxAhead = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    let seen = '';
    let sawDone: () => void = () => {};
    const done = new Promise<void>((r) => (sawDone = r));
    const shell = await RemoteShell.open((m) => h.open('shell', m, window), { cols: 80, rows: 24 }, {
      output: async (b) => {
        consumed += b.length + 1;
        maxAhead = Math.max(maxAhead, h.agents[0]!.written - consumed);
        seen = (seen + Buffer.from(b).toString()).slice(-200);
        if (seen.includes('FLOOD-42')) sawDone();
        if (consumed > 512 * 1024) await gate;
      },
    });
    await shell.write('yes passerelle-flood | head -c 5000000; echo FLOOD-$((40+2))\r');
    // The console stops reading at 512 KiB: the customer's side must wait on the channel.
    while (h.agents[0]!.waiting === 0) await new Promise((r) => setImmediate(r));
    const heldAt = h.agents[0]!.written;
    assert.ok(heldAt - consumed <= window + 256 * 1024, `held within the window (${heldAt - consumed} bytes ahead)`);
    release();
    await done;
    shell.close();
    await shell.ended;
    await Promise.all(h.handlers);
    assert.ok(maxAhead <= window + 256 * 1024, `never more than a window ahead (${maxAhead})`);
    const out = h.events.filter((e) => e.kind === 'shell_transcript' && e.stream === 'output');
    const logged = out.reduce((n, e) => n + (e.kind === 'shell_transcript' ? e.text.length : 0), 0);
    assert.ok(logged <= 256 * 1024, `transcript bounded (${logged})`);
    const omitted = out.reduce((n, e) => n + (e.kind === 'shell_transcript' ? e.omitted ?? 0 : 0), 0);
    assert.ok(omitted > 3_500_000, `what was not logged is counted (${omitted}, logged ${logged}, ${out.length} events)`);
  });

  it('CON-7: output held back by a slow console when the shell exits still arrives whole', async () => {
    // node-pty destroys its socket 200 ms after the shell exits unless it has read to the end; a
    // pty paused for the channel never does, and the last output was lost (measured: 3/3 runs).
    const total = 300_000;
    let qs = 0;
    let stalled = false;
    const shell = await RemoteShell.open((m) => h.open('shell', m, 4096), { cols: 80, rows: 24 }, {
      output: async (b) => {
        for (const c of b) if (c === 0x51) qs++;
        if (!stalled && qs > total - 12_000) {
          stalled = true;
          await new Promise((r) => setTimeout(r, 1000));
        }
      },
    });
    // The shell exits 0.3 s after the last byte is written, while the console is still stalled.
    await shell.write(`head -c ${total} /dev/zero | tr '\\0' Q; sleep 0.3; exit\r`);
    const end = await shell.ended;
    await Promise.all(h.handlers);
    assert.equal(end.exitCode, 0);
    assert.ok(stalled, 'the console stalled near the end');
    assert.ok(qs >= total, `every byte arrived (${qs} of ${total}, plus the echoed command)`);
  });
});

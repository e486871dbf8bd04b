import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { RecordingFormatError } from '../../src/broker/recordings/format.ts';
import { RecordingReader, summarizeRecording, type RecordingEntry } from '../../src/broker/recordings/recording-reader.ts';
import { RecordingWriter } from '../../src/broker/recordings/recording-writer.ts';
import { RecordingTee } from '../../src/broker/recordings/recording-tee.ts';
import { FrameFlag, encodeData, readHeader } from '../../src/protocol/channels.ts';

const dir = mkdtempSync(join(tmpdir(), 'passerelle-rec-'));
let n = 0;
const file = () => join(dir, `r${++n}.prec`);

async function all(f: string): Promise<{ entries: RecordingEntry[]; reader: RecordingReader }> {
  const reader = await RecordingReader.open(f);
  const entries: RecordingEntry[] = [];
  for await (const e of reader.entries()) entries.push(e);
  await reader.close();
  return { entries, reader };
}

/** A clock the test moves by hand. */
function clock(start = Date.parse('2026-12-01T22:00:00Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('session recordings: file format, writer, reader (REP-5)', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('REP-5: what the tap writes reads back in order, with times, key flags, control track and chat', async () => {
    const f = file();
    const c = clock();
    const w = await RecordingWriter.create({ file: f, lsid: 'lsid-abcdef12', now: c.now });
    w.channelOpened(7, 'screen', { monitor: 0, codec: 'h264' });
    w.control({ userId: 3, name: 'Rep A' });
    c.advance(40);
    assert.equal(w.message(7, 'screen', new Uint8Array([1, 2, 3]), { key: true }), true);
    c.advance(40);
    assert.equal(w.message(7, 'screen', new Uint8Array([4, 5])), true);
    w.message(9, 'input', new Uint8Array([9]));
    c.advance(1000);
    w.chat({ from: { kind: 'customer', name: 'Gaby' }, text: 'hello', repsOnly: false });
    w.control(null);
    w.channelClosed(7, 'screen', 'session_ended');
    const stats = await w.close('session_ended');
    assert.equal(stats.records, 9);
    assert.equal(stats.droppedFrames, 0);
    assert.equal(stats.bytesWritten, statSync(f).size);

    const { entries, reader } = await all(f);
    assert.equal(reader.header.lsid, 'lsid-abcdef12');
    assert.equal(reader.header.startedAt, '2026-12-01T22:00:00.000Z');
    assert.equal(reader.end, 'complete');
    assert.deepEqual(entries.map((e) => [e.type, e.t]), [
      ['channel_opened', 0], ['control', 0], ['message', 40], ['message', 80], ['message', 80],
      ['chat', 1080], ['control', 1080], ['channel_closed', 1080], ['end', 1080],
    ]);
    const m = entries.filter((e) => e.type === 'message');
    assert.deepEqual(m.map((e) => [e.kind, e.channelId, e.key, [...e.payload]]), [['screen', 7, true, [1, 2, 3]], ['screen', 7, false, [4, 5]], ['input', 9, false, [9]]]);

    const s = await summarizeRecording(f);
    assert.equal(s.durationMs, 1080);
    assert.deepEqual(s.messages, { screen: 2, input: 1 });
    assert.deepEqual(s.keyFrames.map((k) => k.t), [40]);
    assert.deepEqual(s.controlTrack, [{ t: 0, holder: { userId: 3, name: 'Rep A' } }, { t: 1080, holder: null }]);
    assert.equal(s.chat[0]!.line.text, 'hello');

    // Seeking: reading from a key frame's offset starts there.
    const r2 = await RecordingReader.open(f);
    const first = (await r2.entries(s.keyFrames[0]!.offset).next()).value as RecordingEntry;
    await r2.close();
    assert.equal(first.type, 'message');
    assert.equal(first.t, 40);
  });

  it('REP-5: screen frames before the first key frame are not recorded (replay could not draw them)', async () => {
    const f = file();
    const w = await RecordingWriter.create({ file: f, lsid: 'lsid-abcdef13' });
    w.channelOpened(1, 'screen', {});
    assert.equal(w.needsKeyFrame(1), true);
    assert.equal(w.message(1, 'screen', new Uint8Array([1])), false);
    assert.equal(w.message(1, 'screen', new Uint8Array([2]), { key: true }), true);
    assert.equal(w.needsKeyFrame(1), false);
    assert.equal(w.message(1, 'screen', new Uint8Array([3])), true);
    assert.equal((await w.close('x')).droppedFrames, 1);
  });

  it('REP-5: a disk that falls behind drops delta frames until a key frame; past the hard limit recording stops, the session does not', async () => {
    const f = file();
    const failures: Error[] = [];
    const w = await RecordingWriter.create({ file: f, lsid: 'lsid-abcdef14', softLimitBytes: 1000, hardLimitBytes: 50_000, onFailure: (e) => failures.push(e) });
    w.channelOpened(1, 'screen', {});
    const big = new Uint8Array(600);
    assert.equal(w.message(1, 'screen', big, { key: true }), true);
    assert.equal(w.message(1, 'screen', big), true, 'still under the soft limit');
    assert.equal(w.message(1, 'screen', big), false, 'over it: dropped (writes are still queued)');
    assert.equal(w.needsKeyFrame(1), true);
    await w.drain();
    assert.equal(w.message(1, 'screen', big), false, 'still waiting for a key frame');
    assert.equal(w.message(1, 'screen', big, { key: true }), true);
    for (let i = 0; i < 100; i++) w.message(1, 'screen', new Uint8Array(1000), { key: true });
    assert.equal(failures.length, 1);
    assert.match(failures[0]!.message, /behind/);
    assert.equal(w.message(1, 'screen', big, { key: true }), false);
    const stats = await w.close('x');
    assert.ok(stats.failed);
    // What reached the disk before is still a readable recording.
    const { entries, reader } = await all(f);
    assert.ok(entries.length >= 3);
    assert.equal(reader.end, 'truncated');
  });

  it('REP-5: the recorder asks the producer for a key frame when it waits for one and the disk has caught up, not while it is behind', async () => {
    const w = await RecordingWriter.create({ file: file(), lsid: 'lsid-abcdef15', softLimitBytes: 1000, hardLimitBytes: 50_000 });
    const asked: number[] = [];
    const tee = new RecordingTee(w, () => 'Rep', (channelId) => asked.push(channelId));
    const screen = { channelId: 4, kind: 'screen' as const, meta: {}, fromCustomer: true, userId: 2 };
    let seq = 0;
    const send = (bytes: number, key: boolean) => {
      const f = encodeData(4, ++seq, 0, key ? FrameFlag.key : 0, new Uint8Array(bytes));
      tee.tap(screen, readHeader(f), f);
    };
    send(100, false);
    assert.deepEqual(asked, [4], 'a stream seen from a delta frame: ask at once');
    send(600, true);
    send(600, false);
    send(600, false); // over the soft limit: dropped, and the disk is behind
    assert.deepEqual(asked, [4], 'no request while the disk is behind');
    await w.drain();
    send(600, false);
    assert.deepEqual(asked, [4, 4], 'caught up and still waiting: ask');
    send(600, true);
    send(100, false);
    assert.deepEqual(asked, [4, 4], 'recording again: nothing to ask');
    const input = { channelId: 5, kind: 'input' as const, meta: {}, fromCustomer: false, userId: 2 };
    const f = encodeData(5, 1, 0, 0, new Uint8Array(10));
    tee.tap(input, readHeader(f), f);
    assert.deepEqual(asked, [4, 4], 'only screens have key frames');
    await w.close('ended');
  });

  it('REP-5 bad input: a truncated file reads up to its last whole record; a corrupt byte stops reading there; not a recording is refused', async () => {
    const f = file();
    const w = await RecordingWriter.create({ file: f, lsid: 'lsid-abcdef15' });
    w.channelOpened(1, 'screen', {});
    for (let i = 0; i < 5; i++) w.message(1, 'screen', new Uint8Array(100).fill(i), { key: true });
    await w.close('done');
    const whole = readFileSync(f);

    truncateSync(f, whole.length - 30);
    let r = await all(f);
    assert.equal(r.reader.end, 'truncated');
    assert.equal(r.entries.filter((e) => e.type === 'message').length, 5, 'the cut fell in the end record');
    truncateSync(f, whole.length - 200);
    r = await all(f);
    assert.equal(r.reader.end, 'truncated');
    assert.equal(r.entries.filter((e) => e.type === 'message').length, 3);

    const bad = Buffer.from(whole);
    const second = r.entries[2]!.offset;
    bad[second + 40] = bad[second + 40]! ^ 0xff; // a payload byte of the second screen message
    writeFileSync(f, bad);
    r = await all(f);
    assert.equal(r.reader.end, 'corrupt');
    assert.match(r.reader.problem!, /checksum/);
    assert.equal(r.entries.filter((e) => e.type === 'message').length, 1);
    const lying = Buffer.from(whole);
    lying.writeUInt32LE(0xfffffff0, second + 12); // a length no record may have
    writeFileSync(f, lying);
    r = await all(f);
    assert.equal(r.reader.end, 'corrupt');

    const junk = file();
    writeFileSync(junk, 'GIF89a not a recording');
    await assert.rejects(RecordingReader.open(junk), (e: unknown) => e instanceof RecordingFormatError && e.reason === 'not_a_recording');
    const versioned = file();
    const v = Buffer.from(whole);
    v[4] = 99;
    writeFileSync(versioned, v);
    await assert.rejects(RecordingReader.open(versioned), (e: unknown) => e instanceof RecordingFormatError && e.reason === 'unsupported_version');
    const empty = file();
    writeFileSync(empty, '');
    await assert.rejects(RecordingReader.open(empty), RecordingFormatError);
    await assert.rejects(RecordingReader.open(join(dir, 'gone.prec')), /ENOENT/);
  });

  it('REP-5: a recording is never overwritten, and a file deleted while it is read keeps reading to its end', async () => {
    const f = file();
    const w = await RecordingWriter.create({ file: f, lsid: 'lsid-abcdef16' });
    w.channelOpened(1, 'screen', {});
    for (let i = 0; i < 3; i++) w.message(1, 'screen', new Uint8Array(10), { key: true });
    await w.close('done');
    await assert.rejects(RecordingWriter.create({ file: f, lsid: 'lsid-abcdef16' }), /EEXIST/);
    const reader = await RecordingReader.open(f);
    const it = reader.entries();
    await it.next();
    rmSync(f);
    let count = 1;
    for await (const _ of it) count++;
    await reader.close();
    assert.equal(count, 5);
    assert.equal(reader.end, 'complete');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CodecError, ScreenCompositor, createScreenDecoder, createScreenEncoder, fitSize, type RawFrame } from '../../src/codec/index.ts';
import { changedRects } from '../../src/codec/changed-rects.ts';
import { decodeScreenMessage, encodeScreenMessage } from '../../src/protocol/screen.ts';

const W = 320;
const H = 192;

/** A terminal-like BGRA picture: dark background, light "glyph" blocks whose pattern depends on the line offset. */
function terminal(offset: number): Buffer {
  const buf = Buffer.alloc(W * H * 4);
  for (let y = 0; y < H; y++) {
    const line = Math.floor((y + offset) / 12);
    for (let x = 0; x < W; x++) {
      const p = (y * W + x) * 4;
      const cell = Math.floor(x / 7);
      const glyph = Math.imul(cell * 7919 + line * 104729, 2654435761) >>> 0;
      const on = (y + offset) % 12 < 9 && x % 7 < 5 && ((glyph >>> ((((y + offset) % 12) * 5 + (x % 7)) % 31)) & 1) === 1;
      buf[p] = on ? 230 : 30;
      buf[p + 1] = on ? 230 : 30;
      buf[p + 2] = on ? 230 : 40;
      buf[p + 3] = 255;
    }
  }
  return buf;
}

function meanAbsDiff(bgra: Buffer, rgba: Buffer): number {
  let sum = 0;
  for (let p = 0; p < bgra.length; p += 4) sum += Math.abs(bgra[p + 2]! - rgba[p]!) + Math.abs(bgra[p + 1]! - rgba[p + 1]!) + Math.abs(bgra[p]! - rgba[p + 2]!);
  return sum / (bgra.length / 4) / 3;
}

const frame = (data: Buffer, damage?: RawFrame['damage']): RawFrame => ({ width: W, height: H, data, captureTime: Date.now(), damage });

describe('screen codecs (src/codec), without a display', () => {
  for (const codec of ['h264', 'vp9', 'tile'] as const) {
    it(`CON-4: ${codec} round-trips a terminal picture through the wire message, then a change`, async () => {
      const enc = createScreenEncoder(codec, { quality: 'balanced', width: W, height: H });
      const dec = createScreenDecoder(codec);
      try {
        const first = await enc.encode(frame(terminal(0)), { key: true });
        assert.ok(first && first.key, 'first frame is a key frame');
        const wire = decodeScreenMessage(encodeScreenMessage(first));
        assert.ok(wire.type === 'video' || wire.type === 'tiles');
        const pic = await dec.decode(wire);
        assert.equal(pic.width, W);
        assert.ok(meanAbsDiff(terminal(0), pic.rgba) < (codec === 'tile' ? 0.01 : 12), `${codec} picture close to the source`);
        const second = await enc.encode(frame(terminal(5)));
        assert.ok(second);
        assert.equal(second.key, false);
        const pic2 = await dec.decode(second);
        assert.ok(meanAbsDiff(terminal(5), pic2.rgba) < (codec === 'tile' ? 0.01 : 12), `${codec} follows the change`);
      } finally {
        enc.close();
        dec.close();
      }
    });
  }

  it('CON-4: video converts only the damaged rects; the decoded picture follows the change and keeps the rest', async () => {
    for (const codec of ['h264', 'vp9'] as const) {
      const enc = createScreenEncoder(codec, { quality: 'best', width: W, height: H });
      const dec = createScreenDecoder(codec);
      await dec.decode((await enc.encode(frame(terminal(0)), { key: true }))!);
      // Rows 70..105 change (a line of text); the damage says so.
      const next = Buffer.from(terminal(0));
      terminal(7).copy(next, 70 * W * 4, 70 * W * 4, 106 * W * 4);
      let pic = await dec.decode((await enc.encode(frame(next, [{ x: 0, y: 70, width: W, height: 36 }])))!);
      assert.ok(meanAbsDiff(next, pic.rgba) < 8, `${codec}: band update ${meanAbsDiff(next, pic.rgba).toFixed(2)}`);
      // Then a small rect at the top only (what the damage says changed).
      const top = Buffer.from(next);
      const src = terminal(3);
      for (let y = 2; y < 19; y++) src.copy(top, (y * W + 5) * 4, (y * W + 5) * 4, (y * W + 45) * 4);
      pic = await dec.decode((await enc.encode(frame(top, [{ x: 5, y: 2, width: 40, height: 17 }])))!);
      assert.ok(meanAbsDiff(top, pic.rgba) < 8, `${codec}: top update ${meanAbsDiff(top, pic.rgba).toFixed(2)}`);
      // Pixels that changed outside the damage are not read: the damage is the contract.
      const lied = Buffer.from(top);
      terminal(11).copy(lied, 150 * W * 4, 150 * W * 4, 170 * W * 4);
      pic = await dec.decode((await enc.encode(frame(lied, [{ x: 0, y: 0, width: 16, height: 16 }])))!);
      assert.ok(meanAbsDiff(top, pic.rgba) < meanAbsDiff(lied, pic.rgba), `${codec}: rows 150..170 were not converted`);
      enc.close();
      dec.close();
    }
  });

  it('CON-4: changed rects are the damage in stream pixels, aligned to 16-pixel blocks, touching ones merged', () => {
    assert.equal(changedRects(undefined, 1920, 1080, 1920, 1080), undefined, 'no damage known: the whole picture');
    assert.deepEqual(changedRects([], 1920, 1080, 1920, 1080), []);
    assert.deepEqual(changedRects([{ x: 5, y: 20, width: 10, height: 3 }], 1920, 1080, 1920, 1080), [{ x: 0, y: 16, width: 16, height: 16 }]);
    assert.deepEqual(
      changedRects([{ x: 0, y: 0, width: 20, height: 10 }, { x: 30, y: 5, width: 10, height: 10 }, { x: 600, y: 600, width: 1, height: 1 }], 1920, 1080, 1920, 1080),
      [{ x: 0, y: 0, width: 48, height: 16 }, { x: 592, y: 592, width: 16, height: 16 }],
      'touching blocks merge, a far one stays apart',
    );
    // Scaled to half: the bilinear filter's reach is included.
    assert.deepEqual(changedRects([{ x: 100, y: 100, width: 20, height: 20 }], 1920, 1080, 960, 540), [{ x: 48, y: 48, width: 16, height: 16 }]);
    assert.equal(changedRects([{ x: 0, y: 0, width: 1920, height: 1080 }], 1920, 1080, 1920, 1080), undefined, 'all of it: the whole picture');
    const scattered = Array.from({ length: 100 }, (_, i) => ({ x: (i % 10) * 100, y: Math.floor(i / 10) * 100, width: 4, height: 4 }));
    const boxed = changedRects(scattered, 1920, 1080, 1920, 1080)!;
    assert.deepEqual(boxed, [{ x: 0, y: 0, width: 912, height: 912 }], 'over 64 rects: their bounding box');
  });

  it('CON-4: a video picture redraws only what it changed, so the sharpening pass stays lossless elsewhere', async () => {
    for (const codec of ['h264', 'vp9'] as const) {
      const enc = createScreenEncoder(codec, { quality: 'fastest', width: W, height: H });
      const sharpen = createScreenEncoder('tile', { quality: 'best', width: W, height: H });
      const view = new ScreenCompositor(codec);
      try {
        const first = (await enc.encode(frame(terminal(0)), { key: true }))!;
        assert.equal(first.type === 'video' && first.rects, undefined, 'a key frame is drawn whole');
        await view.apply(decodeScreenMessage(encodeScreenMessage(first)) as never);
        // The screen rests: the sharpening pass makes the whole picture lossless.
        await view.apply((await sharpen.encode(frame(terminal(0)), { key: true, refresh: true })) as never);
        assert.equal(meanAbsDiff(terminal(0), view.picture!.rgba), 0, `${codec}: lossless after the sharpening pass`);
        // A small change at the bottom right; the rest of the screen is untouched.
        const next = Buffer.from(terminal(0));
        const changed = { x: 250, y: 150, width: 30, height: 20 };
        const patch = terminal(9);
        for (let y = changed.y; y < changed.y + changed.height; y++) patch.copy(next, (y * W + changed.x) * 4, (y * W + changed.x) * 4, (y * W + changed.x + changed.width) * 4);
        const delta = (await enc.encode(frame(next, [changed])))!;
        assert.ok(delta.type === 'video' && !delta.key);
        assert.deepEqual(delta.rects, [{ x: 240, y: 144, width: 48, height: 32 }], `${codec}: the changed blocks`);
        const wire = decodeScreenMessage(encodeScreenMessage(delta));
        const pic = await view.apply(wire as never);
        // Outside the changed blocks: still exactly the lossless picture. Inside: the new pixels (lossy).
        let outside = 0;
        let inside = 0;
        let insideN = 0;
        for (let y = 0; y < H; y++) {
          for (let x = 0; x < W; x++) {
            const p = (y * W + x) * 4;
            const d = Math.abs(next[p + 2]! - pic.rgba[p]!) + Math.abs(next[p + 1]! - pic.rgba[p + 1]!) + Math.abs(next[p]! - pic.rgba[p + 2]!);
            if (x >= 240 && x < 288 && y >= 144 && y < 176) {
              inside += d;
              insideN++;
            } else outside += d;
          }
        }
        assert.equal(outside, 0, `${codec}: the lossless areas were not redrawn`);
        assert.ok(inside / insideN / 3 < 30, `${codec}: the change is drawn (${(inside / insideN / 3).toFixed(1)})`);
      } finally {
        enc.close();
        sharpen.close();
        view.close();
      }
    }
  });

  it('CON-4: the tile codec sends a scroll as one copy rect plus the new lines, and nothing for an unchanged screen', async () => {
    const enc = createScreenEncoder('tile', { quality: 'balanced', width: W, height: H });
    const dec = createScreenDecoder('tile');
    try {
      await dec.decode((await enc.encode(frame(terminal(0)), { key: true }))!);
      const scrolled = await enc.encode(frame(terminal(24)));
      assert.ok(scrolled && scrolled.type === 'tiles');
      assert.equal(scrolled.tiles[0]?.kind, 'copy');
      const full = await createScreenEncoder('tile', { quality: 'balanced', width: W, height: H }).encode(frame(terminal(24)), { key: true });
      assert.ok(encodeScreenMessage(scrolled).length < encodeScreenMessage(full!).length / 3, 'a scroll costs far less than a full picture');
      const pic = await dec.decode(scrolled);
      assert.ok(meanAbsDiff(terminal(24), pic.rgba) < 0.01, 'lossless after the copy');
      assert.equal(await enc.encode(frame(terminal(24))), null, 'unchanged picture → nothing');
      assert.equal(await enc.encode(frame(terminal(24), [])), null, 'empty damage → nothing');
    } finally {
      enc.close();
    }
  });

  it('CON-4: quality presets — grayscale has no colour, best is lossless in tiles, a resolution cap scales', async () => {
    const colour = Buffer.alloc(W * H * 4);
    for (let p = 0; p < colour.length; p += 4) colour.set([20, 60, 220, 255], p);
    for (const codec of ['h264', 'tile'] as const) {
      const enc = createScreenEncoder(codec, { quality: 'grayscale', width: W, height: H });
      const pic = await createScreenDecoder(codec).decode((await enc.encode(frame(colour), { key: true }))!);
      const [r, g, b] = pic.rgba;
      assert.ok(Math.abs(r! - g!) < 6 && Math.abs(g! - b!) < 6, `${codec} grayscale pixel ${r},${g},${b}`);
      enc.close();
    }
    const size = fitSize(1920, 1080, 1280, 1280);
    assert.deepEqual(size, { width: 1280, height: 720 });
    assert.deepEqual(fitSize(1366, 768), { width: 1366, height: 768 });
    const small = fitSize(W, H, 160);
    const enc = createScreenEncoder('h264', { quality: 'fastest', ...small });
    const f = await enc.encode(frame(terminal(0)), { key: true });
    assert.equal(f?.width, 160);
    assert.equal((await createScreenDecoder('h264').decode(f!)).height, small.height);
    enc.close();
  });

  it('CON-4: key frames come on request only (open GOP), so a joining viewer can start', async () => {
    const enc = createScreenEncoder('h264', { quality: 'balanced', width: W, height: H });
    const keys: boolean[] = [];
    for (let i = 0; i < 6; i++) keys.push((await enc.encode(frame(terminal(i)), { key: i === 4 }))!.key);
    assert.deepEqual(keys, [true, false, false, false, true, false]);
    const late = createScreenDecoder('h264');
    await assert.rejects(late.decode((await enc.encode(frame(terminal(9))))!), (e: unknown) => e instanceof CodecError && e.code === 'codec_decode');
    enc.close();
  });

  it('CON-4: bad input — a video frame that does not decode, a corrupt tile, a short buffer — is a CodecError, no crash', async () => {
    for (const codec of ['h264', 'vp9'] as const) {
      const dec = createScreenDecoder(codec);
      const junk = { type: 'video' as const, codec, key: true, width: W, height: H, captureTime: 0, data: Buffer.from('garbage that is not a bitstream at all, really') };
      await assert.rejects(dec.decode(junk), (e: unknown) => e instanceof CodecError && e.code === 'codec_decode');
      dec.close();
    }
    const td = createScreenDecoder('tile');
    await assert.rejects(
      td.decode({ type: 'tiles', key: true, width: W, height: H, captureTime: 0, tiles: [{ kind: 'webp', x: 0, y: 0, width: 8, height: 8, data: Buffer.from('RIFF....WEBPbroken') }] }),
      (e: unknown) => e instanceof CodecError && e.code === 'codec_decode',
    );
    const enc = createScreenEncoder('tile', { quality: 'balanced', width: W, height: H });
    await assert.rejects(enc.encode({ width: W, height: H, data: Buffer.alloc(10), captureTime: 0 }), (e: unknown) => e instanceof CodecError && e.code === 'codec_dimensions');
    enc.close();
    assert.throws(() => createScreenEncoder('h264', { quality: 'balanced', width: 321, height: 200 }), (e: unknown) => e instanceof CodecError && e.code === 'codec_dimensions');
  });
  it('CON-4: bad input — truncated and corrupted video frames, absurd dimensions, tiles and copy sources out of bounds — typed errors, the decoder goes on', async () => {
    const isCodec = (code: string) => (e: unknown) => e instanceof CodecError && e.code === code;
    for (const codec of ['h264', 'vp9'] as const) {
      const enc = createScreenEncoder(codec, { quality: 'balanced', width: W, height: H });
      const key = (await enc.encode(frame(terminal(0)), { key: true }))!;
      const next = (await enc.encode(frame(terminal(12))))!;
      assert.ok(key.type === 'video' && next.type === 'video');
      const dec = createScreenDecoder(codec);
      // Truncated to a few bytes, or with its middle overwritten: refused, or decoded with
      // concealment at the announced size; never a crash, never a picture of another size.
      for (const bad of [key.data.subarray(0, 6), Buffer.concat([Buffer.from(key.data.subarray(0, 40)), Buffer.alloc(key.data.length - 40, 0xa5)])]) {
        try {
          const pic = await dec.decode({ ...key, data: bad });
          assert.equal(pic.width, W);
          assert.equal(pic.height, H);
        } catch (e) {
          assert.ok(e instanceof CodecError && e.code === 'codec_decode', `${codec}: ${String(e)}`);
        }
      }
      await assert.rejects(dec.decode({ ...key, data: new Uint8Array(0) }), isCodec('codec_decode'), 'an empty frame is not a flush');
      await assert.rejects(dec.decode({ ...key, width: 0 }), isCodec('codec_dimensions'));
      await assert.rejects(dec.decode({ ...key, height: 100_000 }), isCodec('codec_dimensions'));
      // After all that, a good key frame and its delta still decode.
      const fresh = createScreenDecoder(codec);
      await fresh.decode(key);
      assert.equal((await fresh.decode(next)).width, W);
      await assert.rejects(enc.encode({ width: 0, height: H, data: Buffer.alloc(16), captureTime: 0 }), isCodec('codec_dimensions'));
      await assert.rejects(enc.encode({ width: 1e6, height: 1e6, data: Buffer.alloc(16), captureTime: 0 }), isCodec('codec_dimensions'));
      enc.close();
      dec.close();
      fresh.close();
    }
    for (const codec of ['h264', 'vp9', 'tile'] as const) {
      assert.throws(() => createScreenEncoder(codec, { quality: 'balanced', width: 100_000, height: 64 }), isCodec('codec_dimensions'));
      assert.throws(() => createScreenEncoder(codec, { quality: 'balanced', width: 64, height: 0 }), isCodec('codec_dimensions'));
    }
    const td = createScreenDecoder('tile');
    const enc = createScreenEncoder('tile', { quality: 'balanced', width: W, height: H });
    const good = (await enc.encode(frame(terminal(0)), { key: true }))!;
    const before = Buffer.from((await td.decode(good)).rgba);
    const base = { type: 'tiles' as const, key: false, width: W, height: H, captureTime: 0 };
    await assert.rejects(td.decode({ ...base, tiles: [{ kind: 'fill', x: W - 4, y: 0, width: 8, height: 8, rgba: 0xff0000ff }] }), isCodec('codec_bounds'));
    await assert.rejects(td.decode({ ...base, tiles: [{ kind: 'copy', x: 0, y: 0, width: 8, height: 8, srcX: 0, srcY: H - 2 }] }), isCodec('codec_bounds'));
    await assert.rejects(td.decode({ ...base, tiles: [{ kind: 'fill', x: -1, y: 0, width: 8, height: 8, rgba: 1 }] }), isCodec('codec_bounds'));
    await assert.rejects(td.decode({ ...base, tiles: [{ kind: 'jpeg', x: 0, y: 0, width: 8, height: 8, data: new Uint8Array(0) }] }), isCodec('codec_decode'));
    await assert.rejects(td.decode({ ...base, width: 9000, height: 10, key: true, tiles: [] }), isCodec('codec_dimensions'));
    // A valid fill next to a bad one: nothing of the bad frame was drawn.
    await assert.rejects(td.decode({ ...base, tiles: [{ kind: 'fill', x: 0, y: 0, width: 8, height: 8, rgba: 0xff0000ff }, { kind: 'fill', x: W, y: 0, width: 8, height: 8, rgba: 1 }] }), isCodec('codec_bounds'));
    assert.ok((await td.decode({ ...base, tiles: [] })).rgba.equals(before), 'the picture is as it was before the refused frames');
    enc.close();
  });
});

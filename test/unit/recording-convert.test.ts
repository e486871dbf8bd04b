// REP-5: conversion of a recording to MP4 draws what replay draws: H.264 pictures, the tile
// sharpening pass over the video picture (only where it has tiles), a video frame of another size
// (cropped or padded into the video's size) and a tile stream; each moment of the video shows the
// picture of that moment. Read back with Debian's ffmpeg at chosen instants, pixel by pixel.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createScreenEncoder } from '../../src/codec/index.ts';
import { encodeScreenMessage } from '../../src/protocol/screen.ts';
import { convertRecording } from '../../src/broker/recordings/convert.ts';
import { RecordingWriter } from '../../src/broker/recordings/recording-writer.ts';

const dir = mkdtempSync(join(tmpdir(), 'passerelle-conv-'));
const W = 320;
const H = 240;
type Rgb = [number, number, number];

/** A BGRA picture of one colour, with an optional square of another at the top left. */
function picture(w: number, h: number, [r, g, b]: Rgb, square?: { size: number; rgb: Rgb }): Buffer {
  const p = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c: Rgb = square && x < square.size && y < square.size ? square.rgb : [r, g, b];
      p.set([c[2], c[1], c[0], 255], (y * w + x) * 4);
    }
  }
  return p;
}

/** The RGB pixel at (x, y) of the video at `seconds`. */
function pixelAt(file: string, seconds: number, x: number, y: number): Rgb {
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-ss', String(seconds), '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
  const i = (y * W + x) * 3;
  return [raw[i]!, raw[i + 1]!, raw[i + 2]!];
}

function near(got: Rgb, want: Rgb, what: string) {
  assert.ok(got.every((v, i) => Math.abs(v - want[i]!) <= 40), `${what}: got ${got.join(',')}, want about ${want.join(',')}`);
}

describe('recording conversion (REP-5)', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('REP-5: video, the sharpening pass over it, a picture of another size and tiles all reach the MP4 at their moment', async () => {
    const raw = join(dir, 'mixed.prec');
    let t = Date.parse('2026-12-02T10:00:00Z');
    const w = await RecordingWriter.create({ file: raw, lsid: 'convtest', now: () => t });
    const RED: Rgb = [220, 30, 30];
    const BLUE: Rgb = [30, 30, 220];
    const GREEN: Rgb = [30, 200, 30];
    const WHITE: Rgb = [240, 240, 240];
    w.channelOpened(1, 'screen', { monitor: 0, codec: 'h264' });
    const video = createScreenEncoder('h264', { quality: 'best', width: W, height: H });
    const send = async (enc: ReturnType<typeof createScreenEncoder>, data: Buffer, width: number, height: number, key: boolean) => {
      const f = await enc.encode({ width, height, data, captureTime: t }, { key });
      assert.ok(f, 'a frame');
      w.message(1, 'screen', encodeScreenMessage(f), { key: f.key });
    };
    // 0 s: red video. 1 s: the sharpening pass paints a blue square over it (tiles, not a key).
    await send(video, picture(W, H, RED), W, H, true);
    t += 1000;
    const tiles = createScreenEncoder('tile', { quality: 'best', width: W, height: H });
    await tiles.encode({ width: W, height: H, data: picture(W, H, RED), captureTime: t }, { key: true }); // its reference only
    await send(tiles, picture(W, H, RED, { size: 64, rgb: BLUE }), W, H, false);
    // 2 s: a green video picture. 3 s: a smaller white one (the rest of the video goes black).
    t += 1000;
    await send(video, picture(W, H, GREEN), W, H, true);
    video.close();
    t += 1000;
    const small = createScreenEncoder('h264', { quality: 'best', width: 160, height: 120 });
    await send(small, picture(160, 120, WHITE), 160, 120, true);
    small.close();
    t += 1000;
    await w.close('ended');

    const out = join(dir, 'mixed.mp4');
    const progress: number[] = [];
    const r = await convertRecording(raw, out, { fps: 10, onProgress: (p) => progress.push(p) });
    assert.equal(r.width, W);
    assert.equal(r.height, H);
    assert.equal(progress.at(-1), 1);
    const seconds = Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', out]).toString());
    assert.ok(Math.abs(seconds * 1000 - r.durationMs) <= 150, `video ${seconds} s, recording ${r.durationMs} ms`);
    near(pixelAt(out, 0.5, 200, 200), RED, 'red video at 0.5 s');
    near(pixelAt(out, 0.5, 20, 20), RED, 'no square yet at 0.5 s');
    near(pixelAt(out, 1.5, 20, 20), BLUE, 'the sharpening pass at 1.5 s');
    near(pixelAt(out, 1.5, 200, 200), RED, 'the video picture kept beside the tiles');
    near(pixelAt(out, 2.5, 20, 20), GREEN, 'the next video picture covers the tiles');
    near(pixelAt(out, 3.5, 40, 40), WHITE, 'the smaller picture at the top left');
    near(pixelAt(out, 3.5, 250, 200), [0, 0, 0], 'black beyond it');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ScreenChannelMeta,
  ScreenMessageError,
  decodeScreenMessage,
  encodeScreenMessage,
  streamToScreen,
  videoDrawRects,
  type ScreenInfo,
} from '../../src/protocol/screen.ts';

const info: ScreenInfo = {
  layout: {
    width: 1920,
    height: 1080,
    monitors: [
      { index: 0, name: 'LEFT', x: 0, y: 0, width: 960, height: 1080, primary: true },
      { index: 1, name: 'RIGHT', x: 960, y: 0, width: 960, height: 1080, primary: false },
    ],
  },
  monitor: 1,
  region: { x: 960, y: 0, width: 960, height: 1080 },
  streamWidth: 480,
  streamHeight: 540,
  codec: 'h264',
  quality: 'balanced',
};

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ScreenMessageError, `expected ScreenMessageError, got ${String(e)}`);
    return e.code;
  }
  return 'no error';
}

describe('screen channel messages', () => {
  it('CON-4: a video frame carries the rects it changed; a key frame is the whole picture; bad rects are typed errors', () => {
    const rects = [
      { x: 0, y: 16, width: 64, height: 32 },
      { x: 320, y: 0, width: 160, height: 16 },
    ];
    const delta = { type: 'video', codec: 'h264', key: false, width: 480, height: 270, captureTime: 5, rects, data: Uint8Array.from([0, 0, 1, 9]) } as const;
    const back = decodeScreenMessage(encodeScreenMessage(delta));
    assert.ok(back.type === 'video');
    assert.deepEqual(back.rects, rects);
    assert.deepEqual([...back.data], [0, 0, 1, 9]);
    assert.deepEqual(videoDrawRects(back), rects, 'a viewer draws only the changed rects');
    const none = decodeScreenMessage(encodeScreenMessage({ ...delta, rects: [] }));
    assert.ok(none.type === 'video');
    assert.deepEqual(videoDrawRects(none), [], 'nothing changed: nothing drawn');
    const key = decodeScreenMessage(encodeScreenMessage({ ...delta, key: true }));
    assert.ok(key.type === 'video' && key.rects === undefined, 'a key frame drops its rects');
    assert.deepEqual(videoDrawRects(key), [{ x: 0, y: 0, width: 480, height: 270 }]);
    const old = decodeScreenMessage(encodeScreenMessage({ ...delta, rects: undefined }));
    assert.ok(old.type === 'video');
    assert.deepEqual(videoDrawRects(old), [{ x: 0, y: 0, width: 480, height: 270 }], 'no rects said: the whole picture');
    // Bad input.
    assert.equal(code(() => encodeScreenMessage({ ...delta, rects: [{ x: 470, y: 0, width: 16, height: 16 }] })), 'screen_bounds');
    assert.equal(code(() => encodeScreenMessage({ ...delta, rects: new Array(65).fill(rects[0]) })), 'screen_too_large');
    const wire = encodeScreenMessage(delta);
    const outOfBounds = Uint8Array.from(wire);
    new DataView(outOfBounds.buffer).setUint16(15 + 2 + 8 + 2, 300); // second rect's y
    assert.equal(code(() => decodeScreenMessage(outOfBounds)), 'screen_bounds');
    const zeroSized = Uint8Array.from(wire);
    new DataView(zeroSized.buffer).setUint16(15 + 2 + 4, 0);
    assert.equal(code(() => decodeScreenMessage(zeroSized)), 'screen_bounds');
    const many = Uint8Array.from(wire);
    new DataView(many.buffer).setUint16(15, 1000);
    assert.equal(code(() => decodeScreenMessage(many)), 'screen_too_large');
    const lying = Uint8Array.from(wire);
    new DataView(lying.buffer).setUint16(15, 60); // more rects than the message holds
    assert.equal(code(() => decodeScreenMessage(lying)), 'screen_truncated');
    assert.equal(code(() => decodeScreenMessage(wire.subarray(0, 15 + 2 + 16))), 'screen_truncated', 'rects but no picture');
    const keyWithRects = Uint8Array.from(wire);
    keyWithRects[2] = 3;
    assert.equal(code(() => decodeScreenMessage(keyWithRects)), 'screen_tag');
  });

  it('CON-4: meta defaults to monitor 0, H.264, balanced; refuses unknown fields and absurd caps', () => {
    assert.deepEqual(ScreenChannelMeta.parse({}), { monitor: 0, codec: 'h264', quality: 'balanced' });
    assert.equal(ScreenChannelMeta.safeParse({ codec: 'mjpeg' }).success, false);
    assert.equal(ScreenChannelMeta.safeParse({ maxWidth: 100000 }).success, false);
    assert.equal(ScreenChannelMeta.safeParse({ extra: 1 }).success, false);
    assert.equal(ScreenChannelMeta.parse({ monitor: 'all' }).monitor, 'all');
  });

  it('CON-4: info, video, tile and cursor messages round-trip', () => {
    const i = decodeScreenMessage(encodeScreenMessage({ type: 'info', info }));
    assert.deepEqual(i, { type: 'info', info });
    const data = Uint8Array.from([0, 0, 0, 1, 0x67, 1, 2]);
    const vm = decodeScreenMessage(encodeScreenMessage({ type: 'video', codec: 'vp9', key: true, width: 1920, height: 1080, captureTime: 1234.5, data }));
    assert.equal(vm.type, 'video');
    if (vm.type === 'video') {
      assert.equal(vm.codec, 'vp9');
      assert.equal(vm.key, true);
      assert.equal(vm.captureTime, 1234.5);
      assert.deepEqual([...vm.data], [...data]);
    }
    const tm = decodeScreenMessage(
      encodeScreenMessage({
        type: 'tiles',
        key: false,
        width: 100,
        height: 50,
        captureTime: 1,
        tiles: [
          { kind: 'png', x: 0, y: 0, width: 10, height: 10, data: Uint8Array.from([1, 2, 3]) },
          { kind: 'copy', x: 0, y: 10, width: 100, height: 40, srcX: 0, srcY: 0 },
          { kind: 'fill', x: 90, y: 0, width: 10, height: 10, rgba: 0xff0000ff },
        ],
      }),
    );
    assert.equal(tm.type, 'tiles');
    if (tm.type === 'tiles') assert.deepEqual(tm.tiles.map((t) => t.kind), ['png', 'copy', 'fill']);
    const rgba = new Uint8Array(4 * 4 * 4).fill(200);
    const cm = decodeScreenMessage(encodeScreenMessage({ type: 'cursor', x: -3, y: 40, visible: true, image: { serial: 9, width: 4, height: 4, hotX: 1, hotY: 2, rgba } }));
    assert.equal(cm.type, 'cursor');
    if (cm.type === 'cursor') {
      assert.equal(cm.x, -3);
      assert.equal(cm.image?.hotY, 2);
    }
  });

  it('CON-4: bad input — truncated, out of bounds, absurd dimensions, unknown tags, bad JSON — is a typed error', () => {
    const tile = encodeScreenMessage({ type: 'tiles', key: true, width: 100, height: 50, captureTime: 1, tiles: [{ kind: 'jpeg', x: 0, y: 0, width: 10, height: 10, data: new Uint8Array(20) }] });
    assert.equal(code(() => decodeScreenMessage(tile.subarray(0, tile.length - 5))), 'screen_truncated');
    assert.equal(code(() => decodeScreenMessage(Uint8Array.from([...tile, 0]))), 'screen_truncated');
    const oob = Uint8Array.from(tile);
    new DataView(oob.buffer).setUint16(16 + 1, 95); // x = 95, width 10 > 100
    assert.equal(code(() => decodeScreenMessage(oob)), 'screen_bounds');
    const huge = Uint8Array.from(tile);
    new DataView(huge.buffer).setUint16(2, 60000);
    assert.equal(code(() => decodeScreenMessage(huge)), 'screen_dimensions');
    const zero = Uint8Array.from(tile);
    new DataView(zero.buffer).setUint16(4, 0);
    assert.equal(code(() => decodeScreenMessage(zero)), 'screen_dimensions');
    const kind = Uint8Array.from(tile);
    kind[16] = 99;
    assert.equal(code(() => decodeScreenMessage(kind)), 'screen_tag');
    assert.equal(code(() => decodeScreenMessage(new Uint8Array(0))), 'screen_truncated');
    assert.equal(code(() => decodeScreenMessage(Uint8Array.from([77]))), 'screen_tag');
    assert.equal(code(() => decodeScreenMessage(Uint8Array.from([1, 0x7b]))), 'screen_json');
    assert.equal(code(() => decodeScreenMessage(Uint8Array.from([1, ...new TextEncoder().encode('{"monitor":3}')]))), 'screen_json');
    assert.equal(code(() => decodeScreenMessage(Uint8Array.from([2, 9, 0, 0, 10, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0]))), 'screen_tag');
    const cursor = encodeScreenMessage({ type: 'cursor', x: 0, y: 0, visible: true, image: { serial: 1, width: 2, height: 2, hotX: 0, hotY: 0, rgba: new Uint8Array(16) } });
    assert.equal(code(() => decodeScreenMessage(cursor.subarray(0, 20))), 'screen_truncated');
    assert.equal(code(() => encodeScreenMessage({ type: 'video', codec: 'h264', key: true, width: 0, height: 10, captureTime: 0, data: new Uint8Array(1) })), 'screen_dimensions');
  });

  it('CON-4: stream coordinates map to screen coordinates of the chosen monitor, clamped', () => {
    assert.deepEqual(streamToScreen(info, 0, 0), { x: 960, y: 0 });
    assert.deepEqual(streamToScreen(info, 240, 270), { x: 1440, y: 540 });
    assert.deepEqual(streamToScreen(info, 5000, -20), { x: 1919, y: 0 });
  });
});

// The presentation fan-out (CON-9): key frame on join, and a slow attendee skips frames without
// holding back the others (newest wins).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameFanOut, type FrameConsumer } from '../../src/broker/services/presentation-fanout.ts';

function consumer(id: string): FrameConsumer & { got: number[]; backlog: number } {
  const c = {
    id,
    got: [] as number[],
    backlog: 0,
    send(f: Uint8Array) {
      c.got.push(f[0]!);
    },
    buffered: () => c.backlog,
  };
  return c;
}

const frame = (n: number) => new Uint8Array([n]);

describe('presentation fan-out', () => {
  it('CON-9: a joiner gets the last key frame and what followed at once; with nothing cached it asks the presenter for one', () => {
    let requests = 0;
    let now = 0;
    const f = new FrameFanOut({ highWaterBytes: 1000, maxGopBytes: 10_000, requestKeyFrame: () => requests++, now: () => now });
    const early = consumer('early');
    f.add(early);
    assert.equal(requests, 1, 'nothing cached: key frame requested');
    f.push(frame(2), false);
    assert.deepEqual(early.got, [], 'a delta frame cannot be decoded without its key frame');
    f.push(frame(3), true);
    f.push(frame(4), false);
    f.push(frame(5), false);
    assert.deepEqual(early.got, [3, 4, 5]);
    now += 1000;
    const late = consumer('late');
    f.add(late);
    assert.deepEqual(late.got, [3, 4, 5], 'the group of pictures since the last key frame');
    assert.equal(requests, 1);
  });

  it('CON-9: a throttled attendee skips frames and resumes at a key frame; the others get every frame', () => {
    let requests = 0;
    let now = 0;
    const f = new FrameFanOut({ highWaterBytes: 1000, maxGopBytes: 10_000, requestKeyFrame: () => requests++, now: () => now });
    const normal = consumer('normal');
    const slow = consumer('slow');
    f.push(frame(1), true);
    f.add(normal);
    f.add(slow);
    slow.backlog = 5000;
    for (let i = 2; i <= 6; i++) f.push(frame(i), false);
    assert.deepEqual(normal.got, [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(slow.got, [1], 'behind: skipped');
    assert.equal(f.stats('slow')!.skipped, 5);
    slow.backlog = 0;
    now += 1000;
    f.push(frame(7), false);
    // Caught up from the cached group, in order, so its decoder stays consistent.
    assert.deepEqual(slow.got, [1, 1, 2, 3, 4, 5, 6, 7]);
    f.push(frame(8), true);
    assert.equal(slow.got.at(-1), 8);
    assert.equal(normal.got.at(-1), 8);
    f.remove('slow');
    f.push(frame(9), false);
    assert.equal(slow.got.at(-1), 8);
    assert.equal(f.size, 1);
  });
});

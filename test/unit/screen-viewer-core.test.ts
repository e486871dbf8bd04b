// console-core's screen view (ScreenSession) and remote input (RemoteInput) without a browser:
// messages of the real screen protocol through a real Channel pair (the broker is not needed to
// show ordering, credit and switching), a sink that records what it was asked to draw.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createChannelPair } from '../../src/protocol/channel-mux.ts';
import type { Channel } from '../../src/protocol/channel-endpoint.ts';
import { encodeScreenMessage, type ScreenChannelMeta, type ScreenInfo } from '../../src/protocol/screen.ts';
import { ScreenSession, type PictureMessage } from '../../src/console-core/screen/screen-session.ts';
import { ScreenStatsMeter } from '../../src/console-core/screen/screen-stats.ts';
import { RemoteInput } from '../../src/console-core/remote-control/remote-input.ts';
import { decodeChannelJson, InputMessage, MAX_INPUT_MESSAGE_BYTES } from '../../src/protocol/remote-control.ts';

const layout = { width: 1920, height: 1080, monitors: [{ index: 0, name: 'L', primary: true, x: 0, y: 0, width: 960, height: 1080 }, { index: 1, name: 'R', primary: false, x: 960, y: 0, width: 960, height: 1080 }] };
const infoFor = (monitor: 0 | 1): ScreenInfo => ({ layout, monitor, region: layout.monitors[monitor]!, streamWidth: 960, streamHeight: 1080, codec: 'h264', quality: 'balanced' });
const video = (key: boolean, captureTime = Date.now()) => encodeScreenMessage({ type: 'video', codec: 'h264', key, width: 960, height: 1080, captureTime, data: new Uint8Array([0, 0, 0, 1, 0x65]) });

function recordingSink(answer: (m: PictureMessage) => string | null = () => null) {
  const drawn: PictureMessage[] = [];
  const configured: ScreenInfo[] = [];
  return {
    drawn,
    configured,
    configure: (i: ScreenInfo) => void configured.push(i),
    draw: async (m: PictureMessage) => {
      drawn.push(m);
      return answer(m);
    },
  };
}

/** An opener backed by in-memory channel pairs: the test plays the agent on `agents`. */
function opener() {
  const agents: { ch: Channel; meta: ScreenChannelMeta }[] = [];
  const waiting: ((a: { ch: Channel; meta: ScreenChannelMeta }) => void)[] = [];
  return {
    agents,
    next: () => new Promise<{ ch: Channel; meta: ScreenChannelMeta }>((r) => (agents.length > 0 ? r(agents.shift()!) : waiting.push(r))),
    open: async (meta: ScreenChannelMeta) => {
      const [a, b] = createChannelPair('screen', meta as never);
      const entry = { ch: b, meta };
      const w = waiting.shift();
      if (w) w(entry);
      else agents.push(entry);
      return a;
    },
  };
}

const until = async (pred: () => boolean, what: string) => {
  for (let i = 0; i < 500 && !pred(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(pred(), what);
};

describe('console-core screen view (CON-4)', () => {
  it('CON-4: info configures the sink, pictures are drawn in order, the cursor keeps its last image', async () => {
    const o = opener();
    const sink = recordingSink();
    const cursors: unknown[] = [];
    const s = new ScreenSession(o.open, sink, { cursor: (c) => cursors.push(c) });
    await s.start({ codec: 'h264' });
    const agent = await o.next();
    assert.equal(agent.meta.codec, 'h264');
    agent.ch.writeLatest(encodeScreenMessage({ type: 'info', info: infoFor(0) }), { key: true });
    await agent.ch.whenWritable();
    agent.ch.writeLatest(video(true), { key: true });
    await agent.ch.whenWritable();
    agent.ch.writeLatest(encodeScreenMessage({ type: 'cursor', x: 5, y: 6, visible: true, image: { serial: 1, width: 1, height: 1, hotX: 0, hotY: 0, rgba: new Uint8Array(4) } }));
    await agent.ch.whenWritable();
    agent.ch.writeLatest(encodeScreenMessage({ type: 'cursor', x: 7, y: 8, visible: true }));
    await until(() => cursors.length === 2 && sink.drawn.length === 1, 'a picture and two cursor moves');
    assert.deepEqual(sink.configured[0]?.region, { x: 0, y: 0, width: 960, height: 1080 });
    assert.equal(s.cursor.x, 7);
    assert.equal(s.cursor.image?.serial, 1, 'a move without an image keeps the shape');
    assert.equal(s.statsSnapshot().frames, 1);
    s.stop();
  });

  it('CON-4 bad input: garbage, a picture before the info, a wrong size and an undecodable frame are refused; a key frame is asked', async () => {
    const o = opener();
    const sink = recordingSink((m) => (m.type === 'video' && !m.key ? 'undecodable h264 frame' : null));
    const refused: string[] = [];
    const s = new ScreenSession(o.open, sink, { refused: (code) => refused.push(code) }, (() => { let t = 0; return () => (t += 2000); })());
    await s.start();
    const agent = await o.next();
    let keyRequests = 0;
    agent.ch.onKeyFrameRequest(() => keyRequests++);
    const send = async (b: Uint8Array, key = false) => {
      await agent.ch.whenWritable();
      agent.ch.writeLatest(b, { key });
    };
    await send(Uint8Array.from([99, 1, 2]));
    await send(video(true), true);
    await send(encodeScreenMessage({ type: 'info', info: infoFor(0) }), true);
    await send(encodeScreenMessage({ type: 'video', codec: 'h264', key: true, width: 640, height: 480, captureTime: 0, data: new Uint8Array(4) }), true);
    await send(video(false));
    await send(video(true), true);
    await until(() => s.stats.refused >= 4 && sink.drawn.length === 2, 'four refusals, two draws');
    assert.deepEqual(refused, ['screen_tag', 'screen_order', 'screen_dimensions', 'codec_decode']);
    await until(() => keyRequests >= 2, 'key frames asked');
    assert.equal(s.statsSnapshot().frames, 1, 'only the key frame counts as drawn');
    s.stop();
  });

  it('CON-4: switching monitor opens a new channel with the new meta, then closes the old one', async () => {
    const o = opener();
    const sink = recordingSink();
    const s = new ScreenSession(o.open, sink);
    await s.start({ monitor: 0, codec: 'vp9', quality: 'best' });
    const first = await o.next();
    await s.switchTo({ monitor: 1 });
    const second = await o.next();
    assert.deepEqual(second.meta, { monitor: 1, codec: 'vp9', quality: 'best' });
    assert.equal(await first.ch.closed, 'switched');
    second.ch.writeLatest(encodeScreenMessage({ type: 'info', info: infoFor(1) }), { key: true });
    await until(() => s.info?.monitor === 1, 'the new info');
    // The same choice again opens nothing.
    await s.switchTo({ monitor: 1 });
    assert.equal(o.agents.length, 0);
    s.stop();
    assert.equal(await second.ch.closed, 'closed_by_peer');
  });

  it('the stats meter counts pictures and bytes per second over its window', () => {
    const m = new ScreenStatsMeter(1000);
    for (let i = 0; i < 30; i++) {
      m.receivedBytes(1000, 10_000 + i * 33);
      m.pictureDrawn(10_000 + i * 33 - 20, 10_000 + i * 33);
    }
    const s = m.snapshot(10_990);
    assert.equal(s.fps, 30);
    assert.equal(s.bytesPerSecond, 30_000);
    assert.equal(s.delayMs, 20);
    assert.equal(m.snapshot(20_000).fps, 0);
  });
});

describe('console-core remote input (CON-4)', () => {
  it('CON-4: moves are coalesced to the newest while a write is under way; clicks keep their order', async () => {
    const [a, b] = createChannelPair('input', {});
    const input = new RemoteInput(a);
    for (let i = 0; i < 50; i++) input.send({ t: 'move', x: i, y: i });
    input.send({ t: 'button', button: 1, down: true, x: 49, y: 49 });
    input.send({ t: 'key', keysym: 0xe9, down: true });
    input.send({ t: 'move', x: 500, y: 500 });
    const got: InputMessage[] = [];
    for await (const m of b) {
      got.push(decodeChannelJson(InputMessage, m.payload, MAX_INPUT_MESSAGE_BYTES));
      if (got.at(-1)?.t === 'move' && (got.at(-1) as { x: number }).x === 500) break;
    }
    assert.ok(got.length < 10, `${got.length} messages for 53 events`);
    const firstButton = got.findIndex((m) => m.t === 'button');
    assert.deepEqual(got.slice(firstButton - 1, firstButton + 2), [{ t: 'move', x: 49, y: 49 }, { t: 'button', button: 1, down: true, x: 49, y: 49 }, { t: 'key', keysym: 0xe9, down: true }]);
    input.close();
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ScreenCompositor, type DecodedPicture } from '../../src/codec/index.ts';
import { X11ScreenCapture } from '../../src/endpoint/platform/linux-x11/capture.ts';
import { RandrMonitors } from '../../src/endpoint/platform/linux-x11/randr-monitors.ts';
import { XConnection } from '../../src/endpoint/platform/linux-x11/x11-connection.ts';
import { createScreenHandler } from '../../src/endpoint/tools/screen.ts';
import type { ToolEventBody } from '../../src/protocol/sessions.ts';
import { decodeScreenMessage, encodeScreenMessage, videoDrawRects, type ScreenCodecId, type ScreenInfo, type ScreenMessage, type ScreenRect, type TileFrameMessage, type VideoFrameMessage } from '../../src/protocol/screen.ts';
import { crop, meanAbsDiff, xwdCapture } from '../support/screen-pixels.ts';
import type { Channel } from '../../src/protocol/channel-endpoint.ts';
import { createChannelPair } from '../../src/protocol/channel-mux.ts';
import { startXvfb, waitForWindow, type XDisplay } from '../support/x-display.ts';

const log = { warn: (o: object, m: string) => console.error(m, o) };

/** The two ends of a latest screen channel (the real Channel class, in memory): [rep, agent]. */
function screenPair(meta: object): { rep: Channel; agent: Channel } {
  const [rep, agent] = createChannelPair('screen', meta as never);
  return { rep, agent };
}

/** The rep's end: draws what arrives as the console's canvas does (ScreenCompositor) and keeps the picture, info and events. */
function viewer(rep: Channel, codec: ScreenCodecId, onPicture?: (m: VideoFrameMessage | TileFrameMessage, pic: DecodedPicture) => void) {
  let view = new ScreenCompositor(codec);
  const state = { info: null as ScreenInfo | null, picture: null as DecodedPicture | null, frames: 0, keyFrames: 0, infos: 0, bytes: 0, refines: 0, cursor: null as null | { x: number; y: number }, errors: [] as string[] };
  const waiters = new Set<() => void>();
  void (async () => {
    for await (const msg of rep) {
      let m: ScreenMessage;
      try {
        m = decodeScreenMessage(msg.payload);
        state.bytes += msg.payload.length;
        if (msg.key) state.keyFrames++;
        if (m.type === 'info') {
          state.infos++;
          state.info = m.info;
          view.close();
          view = new ScreenCompositor(m.info.codec);
        } else if (m.type === 'video' || m.type === 'tiles') {
          // Tiles over a video stream before its first picture refine nothing.
          if (m.type === 'tiles' && state.info?.codec !== 'tile' && !view.picture) continue;
          state.picture = await view.apply(m);
          if (m.type === 'tiles' && state.info?.codec !== 'tile') state.refines++;
          state.frames++;
          onPicture?.(m, state.picture);
        } else if (m.type === 'cursor') state.cursor = { x: m.x, y: m.y };
      } catch (err) {
        state.errors.push(String(err));
      }
      for (const w of [...waiters]) w();
    }
  })();
  const until = (pred: () => boolean, what: string, ms = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${what} (frames ${state.frames}, errors ${state.errors.join('; ')})`)), ms);
      const w = () => {
        if (pred()) {
          clearTimeout(t);
          waiters.delete(w);
          resolve();
        }
      };
      waiters.add(w);
      w();
    });
  return { state, until };
}

describe('screen stream: real Xvfb → capture → codec → channel → decoder', () => {
  let x: XDisplay;
  before(async () => {
    x = await startXvfb({ width: 1920, height: 1080 });
    x.spawn('xterm', ['-geometry', '100x30+40+60', '-bg', 'rgb:10/20/60', '-fg', 'rgb:ff/ff/a0', '-T', 'stream-xterm', '-e', 'sh -c "ls -la /usr/bin | head -40; sleep 120"']);
    await waitForWindow(x, '^stream-xterm$');
  });
  after(async () => {
    await x?.close();
  });

  for (const codec of ['h264', 'vp9', 'tile'] as const) {
    it(`CON-4: ${codec}: the rep's decoded picture matches an xwd capture of the display; screen view events logged`, async () => {
      const { rep, agent } = screenPair({ codec, monitor: 0 });
      const events: ToolEventBody[] = [];
      const handler = createScreenHandler({ openCapture: () => X11ScreenCapture.open(x.display, log) });
      const done = handler(agent, { filesRoot: '/tmp', report: (e) => events.push(e), warn: (m) => console.error(m) });
      const v = viewer(rep, codec);
      await v.until(() => v.state.picture !== null && v.state.info !== null, 'a first picture');
      assert.deepEqual(v.state.info?.region, { x: 0, y: 0, width: 1920, height: 1080 });
      // Compare once the stream is at rest (video: after the lossless refresh).
      await new Promise((r) => setTimeout(r, 900));
      const truth = await xwdCapture(x.display);
      const pic = v.state.picture!;
      const diff = meanAbsDiff({ width: pic.width, height: pic.height, rgba: pic.rgba }, truth);
      const xterm = meanAbsDiff(crop({ width: pic.width, height: pic.height, rgba: pic.rgba }, 40, 60, 600, 400), crop(truth, 40, 60, 600, 400));
      assert.ok(diff < 1.5 && xterm < 3, `${codec}: whole ${diff.toFixed(2)}, xterm area ${xterm.toFixed(2)}`);
      assert.deepEqual(v.state.errors, []);
      rep.close('closed_by_peer');
      await done;
      assert.deepEqual(events.map((e) => e.kind), ['screen_view_started', 'screen_view_stopped']);
    });
  }

  it('CON-4: h264 over the real display: a video picture redraws only the rects it changed, so what the sharpening pass made lossless stays exact', async () => {
    const typist = x.spawn('xterm', ['-geometry', '30x4+1400+700', '-T', 'rects-typist', '-e', 'cat']);
    await waitForWindow(x, '^rects-typist$');
    const { rep, agent } = screenPair({ codec: 'h264', monitor: 0, quality: 'fastest' });
    const handler = createScreenHandler({ openCapture: () => X11ScreenCapture.open(x.display, log), refineAfterMs: 200 });
    const done = handler(agent, { filesRoot: '/tmp', report: () => undefined, warn: (m) => console.error('WARN', m) });
    // Areas drawn from a (lossy) video picture since the last sharpening pass, which refreshes them all.
    let lossy: ScreenRect[] = [];
    let videoSinceRest = 0;
    let armed = false;
    let snapshot: { rgba: Buffer; lossy: ScreenRect[] } | null = null;
    const v = viewer(rep, 'h264', (m, pic) => {
      if (m.type === 'tiles') {
        lossy = [];
        videoSinceRest = 0;
        return;
      }
      videoSinceRest++;
      lossy.push(...videoDrawRects(m));
      if (armed && !snapshot) snapshot = { rgba: Buffer.from(pic.rgba), lossy: [...lossy] };
    });
    const inside = (rects: ScreenRect[], px: number, py: number) => rects.some((r) => px >= r.x && py >= r.y && px < r.x + r.width && py < r.y + r.height);
    /** Mean difference to `truth` of the pixels outside `rects`, and how many differ at all. */
    const outsideDiff = (rgba: Uint8Array, truth: { rgba: Uint8Array }, rects: ScreenRect[]) => {
      let sum = 0;
      let differing = 0;
      for (let py = 0; py < 1080; py++) {
        for (let px = 0; px < 1920; px++) {
          if (inside(rects, px, py)) continue;
          const p = (py * 1920 + px) * 4;
          const d = Math.abs(rgba[p]! - truth.rgba[p]!) + Math.abs(rgba[p + 1]! - truth.rgba[p + 1]!) + Math.abs(rgba[p + 2]! - truth.rgba[p + 2]!);
          sum += d;
          if (d > 0) differing++;
        }
      }
      return { mean: sum / (1920 * 1080 * 3), differing };
    };
    try {
      // At rest: the first (key) picture, then the sharpening pass over all of it.
      await v.until(() => v.state.refines >= 1 && videoSinceRest === 0, 'the first picture and its sharpening pass');
      const truth0 = await xwdCapture(x.display);
      const rested = outsideDiff(v.state.picture!.rgba, truth0, []);
      assert.equal(rested.differing, 0, `lossless at rest (${rested.differing} pixels differ, mean ${rested.mean.toFixed(3)})`);
      // One key typed into the small xterm: a video picture of just that corner of the screen.
      armed = true;
      await x.run('xdotool', ['mousemove', '1500', '730', 'type', 'z']);
      await v.until(() => snapshot !== null, 'a video picture of the typing');
      const shot = snapshot!;
      const area = shot.lossy.reduce((a, r) => a + r.width * r.height, 0);
      assert.ok(area > 0 && area < 1920 * 1080 * 0.05, `the video pictures changed ${area} pixels' worth of rects: ${JSON.stringify(shot.lossy)}`);
      const kept = outsideDiff(shot.rgba, truth0, shot.lossy);
      assert.equal(kept.differing, 0, `outside the changed rects the picture is still the lossless one (${kept.differing} pixels differ)`);
      // Rest again: the sharpening pass refreshes what the video drew, and all of it is exact.
      await v.until(() => videoSinceRest === 0 && v.state.refines >= 2, 'the sharpening pass after the typing');
      const truth1 = await xwdCapture(x.display);
      const after = outsideDiff(v.state.picture!.rgba, truth1, []);
      assert.equal(after.differing, 0, `exact again after the sharpening pass (${after.differing} pixels differ)`);
      assert.ok(outsideDiff(truth1.rgba, truth0, []).differing > 0, 'the typing did change the screen');
      assert.deepEqual(v.state.errors, []);
    } finally {
      rep.close('closed_by_peer');
      await done;
      typist.kill('SIGTERM');
    }
  });

  it('CON-4: the cursor follows XInput2 motion events, not a poll: with both polls an hour apart, pointer moves still arrive', async () => {
    const { rep, agent } = screenPair({ codec: 'h264', monitor: 0 });
    const handler = createScreenHandler({ openCapture: () => X11ScreenCapture.open(x.display, log), cursorPollMs: 3_600_000, cursorIdlePollMs: 3_600_000 });
    const done = handler(agent, { filesRoot: '/tmp', report: () => undefined, warn: (m) => console.error('WARN', m) });
    const v = viewer(rep, 'h264');
    try {
      await v.until(() => v.state.picture !== null, 'a first picture');
      for (const [px, py] of [[700, 400], [1234, 567], [10, 1000]] as const) {
        await x.run('xdotool', ['mousemove', String(px), String(py)]);
        await v.until(() => v.state.cursor?.x === px && v.state.cursor.y === py, `the cursor at ${px},${py}`);
      }
    } finally {
      rep.close('closed_by_peer');
      await done;
    }
  });

  it('CON-4: a static screen costs nothing; two RandR monitors can be switched live, with a monitor_switched event', async () => {
    const other = await XConnection.open(x.display, log);
    const randr = (await RandrMonitors.open(other))!;
    randr.setMonitor(await other.internAtom('TEST-LEFT'), { x: 0, y: 0, width: 960, height: 1080 });
    randr.setMonitor(await other.internAtom('TEST-RIGHT'), { x: 960, y: 0, width: 960, height: 1080 });
    await other.sync();
    const { rep, agent } = screenPair({ codec: 'h264', monitor: 0 });
    const events: ToolEventBody[] = [];
    const handler = createScreenHandler({ openCapture: () => X11ScreenCapture.open(x.display, log), refineAfterMs: 100 });
    const done = handler(agent, { filesRoot: '/tmp', report: (e) => events.push(e), warn: (m) => console.error('WARN', m) });
    const v = viewer(rep, 'h264');
    try {
      await v.until(() => (v.state.info?.layout.monitors.length ?? 0) >= 2 || v.state.frames > 0, 'a layout');
      await v.until(() => v.state.info?.layout.monitors.some((m) => m.name === 'TEST-RIGHT') === true, 'two monitors');
      // At rest: within 1 s of quiet, (almost) nothing is sent.
      await new Promise((r) => setTimeout(r, 800));
      const before = v.state.bytes;
      await new Promise((r) => setTimeout(r, 1000));
      assert.ok(v.state.bytes - before < 5000, `static screen sent ${v.state.bytes - before} bytes/s`);
      const right = v.state.info!.layout.monitors.findIndex((m) => m.name === 'TEST-RIGHT');
      rep.writeLatest(encodeScreenMessage({ type: 'control', control: { monitor: right } }));
      await v.until(() => v.state.info?.monitor === right && v.state.picture?.width === 960, 'the right monitor');
      assert.deepEqual(v.state.info?.region, { x: 960, y: 0, width: 960, height: 1080 });
      // Bad input on the channel: refused and logged, the stream goes on.
      await rep.whenWritable();
      rep.writeLatest(Uint8Array.from([99, 1, 2]));
      await rep.whenWritable();
      rep.writeLatest(encodeScreenMessage({ type: 'cursor', x: 1, y: 1, visible: true }));
      const switched = events.find((e) => e.kind === 'screen_monitor_switched');
      assert.ok(switched && switched.kind === 'screen_monitor_switched' && switched.monitor === right);
    } finally {
      rep.close('closed_by_peer');
      await done;
      other.close();
    }
  });
  it('CON-4: newest wins — a viewer that stops reading gets no backlog; a key frame on request; quality and resolution cap switch live', async () => {
    const term = x.spawn('xterm', ['-geometry', '80x20+100+500', '-T', 'stream-scroller', '-e', `sh -c 'while :; do date +%s%N; sleep 0.01; done'`]);
    await waitForWindow(x, '^stream-scroller$');
    const { rep, agent } = screenPair({ codec: 'h264', monitor: 0 });
    const handler = createScreenHandler({ openCapture: () => X11ScreenCapture.open(x.display, log) });
    const done = handler(agent, { filesRoot: '/tmp', report: () => undefined, warn: (m) => console.error('WARN', m) });
    try {
      // Nobody reads: the agent sends what the window allows (3 messages) and then encodes nothing.
      const until = async (pred: () => boolean, what: string) => {
        for (let i = 0; i < 400 && !pred(); i++) await new Promise((r) => setTimeout(r, 25));
        assert.ok(pred(), what);
      };
      await until(() => agent.inFlight === rep.currentWindow, 'the window filled');
      const sent = agent.stats.bytesSent;
      await new Promise((r) => setTimeout(r, 500)); // the xterm keeps changing meanwhile
      assert.equal(agent.stats.bytesSent, sent, 'nothing more was sent while the viewer did not read');
      assert.equal(agent.stats.messagesDropped, 0, 'no frame was encoded only to be replaced');
      assert.equal(agent.inFlight, rep.currentWindow);
      // Reading again: the stream goes on, and what comes after the backlog is fresh.
      const v = viewer(rep, 'h264');
      await v.until(() => v.state.frames >= 6, 'frames after the pause');
      const resumedAt = Date.now();
      await v.until(() => v.state.frames >= 12, 'more frames');
      // A key frame on request: the layout info, then a key video frame.
      const keys = v.state.keyFrames;
      const infos = v.state.infos;
      rep.requestKeyFrame();
      await v.until(() => v.state.infos > infos && v.state.keyFrames >= keys + 2, 'info and a key frame after the request');
      // Live switch: grayscale, capped at 480 wide (the scroller sits on monitor 0 whatever the layout).
      await rep.whenWritable();
      rep.writeLatest(encodeScreenMessage({ type: 'control', control: { quality: 'grayscale', maxWidth: 480 } }));
      await v.until(() => v.state.info?.quality === 'grayscale' && v.state.picture?.width === 480 && v.state.picture.height === v.state.info.streamHeight, 'the grayscale stream capped at 480 wide');
      const pic = v.state.picture!;
      let colour = 0;
      for (let p = 0; p < pic.rgba.length; p += 4 * 97) colour = Math.max(colour, Math.abs(pic.rgba[p]! - pic.rgba[p + 1]!), Math.abs(pic.rgba[p + 1]! - pic.rgba[p + 2]!));
      assert.ok(colour < 12, `grayscale picture has colour ${colour}`);
      assert.ok(Date.now() >= resumedAt);
      assert.deepEqual(v.state.errors, []);
    } finally {
      rep.close('closed_by_peer');
      await done;
      term.kill('SIGTERM');
    }
  });
});

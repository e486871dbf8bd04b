// The desktop app's hand-off of live channels to the renderer (issue 7 item 5): a Channel in
// "main" served over a real MessagePort (worker_threads' MessageChannel has the DOM port's API),
// bytes transferred, not copied through JSON, and back-pressure carried across the port.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { createChannelPair } from '../../src/protocol/channel-mux.ts';
import { channelFromPort, exposeOnPort, type PortLike } from '../../src/console-core/channels/port-bridge.ts';

const portLike = (p: import('node:worker_threads').MessagePort): PortLike => {
  const wrapped: PortLike = {
    postMessage: (m, transfer) => p.postMessage(m, transfer ?? []),
    onmessage: null,
    close: () => p.close(),
  };
  p.on('message', (data) => wrapped.onmessage?.({ data }));
  return wrapped;
};

describe('live channels over a MessagePort (desktop main → renderer)', () => {
  it('CON-6: bytes both ways through the port, in order, with transferables; close crosses it', async () => {
    const [peer, mine] = createChannelPair('file', { op: 'x' });
    const { port1, port2 } = new MessageChannel();
    exposeOnPort(mine, portLike(port1));
    const r = await channelFromPort(portLike(port2));
    assert.equal(r.kind, 'file');
    assert.deepEqual(r.meta, { op: 'x' });
    for (let i = 0; i < 20; i++) void peer.write(new Uint8Array(512 * 1024).fill(i));
    let n = 0;
    for await (const m of r) {
      assert.equal(m.payload[0], n);
      if (++n === 20) break;
    }
    await r.write(Uint8Array.of(1, 2, 3));
    const back = (await peer[Symbol.asyncIterator]().next()).value!;
    assert.deepEqual([...back.payload], [1, 2, 3]);
    peer.close('done');
    assert.equal(await r.closed, 'done');
    port1.close();
  });

  it('CON-4: a renderer that stops reading stops the credit: the peer is held back, nothing piles up', async () => {
    const [peer, mine] = createChannelPair('shell');
    const { port1, port2 } = new MessageChannel();
    exposeOnPort(mine, portLike(port1));
    await channelFromPort(portLike(port2));
    for (let i = 0; i < 64; i++) void peer.write(new Uint8Array(64 * 1024));
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(peer.inFlight <= 1024 * 1024, `in flight ${peer.inFlight}`);
    port1.close();
  });
});

// Chat banners (POR-6 customer client, POR-7 presentation attendees): upload, the broker's own BMP
// checks against a hostile set, new sessions take the banner of the moment, open ones keep theirs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiClient, type TestBroker } from '../support/broker.ts';
import { goodBanner, hostileBanners } from '../support/bmp-fixtures.ts';
import { CustomerSocket, brokerWithRepConsole, type RepConsoleSetup } from '../support/sessions.ts';
import { CustomerProcess } from '../support/customer-client.ts';
import { attendee, presenter, presenterToken } from '../support/presentations.ts';
import { fetchBytes, pageUpdate } from '../support/chat-page.ts';

describe('chat banners', () => {
  let broker: TestBroker;
  let admin: ApiClient;
  let rep: RepConsoleSetup['rep'];

  // The rep's console is connected for the whole suite (the rep is online), though no test reads it.
  brokerWithRepConsole((s) => ({ broker, admin, rep } = s));

  for (const kind of ['customer_chat', 'presentation'] as const) {
    const id = kind === 'customer_chat' ? 'POR-6' : 'POR-7';
    it(`${id}: every hostile BMP is refused with its precise reason, and the ${kind} banner stays as it was`, async () => {
      const before = (await admin.get('/api/v1/portal/banners')).body.banners.find((b: { kind: string }) => b.kind === kind);
      for (const h of hostileBanners()) {
        const res = await admin.upload(`/api/v1/portal/banners/${kind}`, h.file, 'image/bmp');
        assert.equal(res.status, 422, `${h.name}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.error.code, 'invalid_image', h.name);
        assert.equal(res.body.error.details.reason, h.reason, `${h.name}: ${res.body.error.message}`);
        assert.match(res.body.error.message, h.says, h.name);
      }
      const after = (await admin.get('/api/v1/portal/banners')).body.banners.find((b: { kind: string }) => b.kind === kind);
      assert.deepEqual(after, before);
    });
  }

  it('POR-6: a body over the upload limit is cut off (413), no body at all is "empty", JSON is not a file', async () => {
    const big = new Uint8Array(2 * 1024 * 1024);
    const tooBig = await admin.upload('/api/v1/portal/banners/customer_chat', big, 'image/bmp');
    assert.equal(tooBig.status, 413);
    assert.equal(tooBig.body.error.code, 'body_too_large');
    const none = await admin.request('PUT', '/api/v1/portal/banners/customer_chat', undefined, { headers: { 'content-type': 'image/bmp' } });
    assert.equal(none.status, 422);
    assert.equal(none.body.error.details.reason, 'empty');
    const json = await admin.put('/api/v1/portal/banners/customer_chat', { file: 'Qk0=' });
    assert.equal(json.status, 400);
    const wrongKind = await admin.upload('/api/v1/portal/banners/login_page', goodBanner(), 'image/bmp');
    assert.equal(wrongKind.status, 400);
    assert.equal(wrongKind.body.error.code, 'validation_failed');
  });

  it('POR-6, POR-7: only administrators change banners; anyone may fetch one', async () => {
    const res = await rep.api.upload('/api/v1/portal/banners/customer_chat', goodBanner(), 'image/bmp');
    assert.equal(res.status, 403);
    assert.equal((await rep.api.delete('/api/v1/portal/banners/presentation')).status, 403);
    const stranger = new ApiClient(broker);
    const anonymous = await stranger.get('/api/v1/site-images/default');
    await stranger.close();
    assert.equal(anonymous.status, 200);
    assert.equal(anonymous.headers.get('content-type'), 'image/bmp');
    assert.equal((await admin.get('/api/v1/site-images/0123456789abcdef0123456789abcdef')).status, 404);
    assert.equal((await admin.get('/api/v1/site-images/..%2F..%2Fetc%2Fpasswd')).status, 400);
  });

  it('POR-6: new sessions use an uploaded banner, an open session keeps its own, revert brings the default back', async () => {
    const open = await CustomerSocket.join(broker, { kind: 'rep', rep: rep.username }, { name: 'Avant' });
    const w1 = await open.welcome();
    assert.equal(w1.chatBanner, '/api/v1/site-images/default');

    const file = goodBanner(40, (x, y) => (x + y) % 256);
    const up = await admin.upload('/api/v1/portal/banners/customer_chat', file, 'image/bmp');
    assert.equal(up.status, 200, JSON.stringify(up.body));
    assert.equal(up.body.custom, true);
    assert.equal(up.body.width, 480);
    assert.equal(up.body.height, 40);
    // The customer banner is its own: the presentation banner did not change (POR-7 separately).
    const list = (await admin.get('/api/v1/portal/banners')).body.banners;
    assert.equal(list.find((b: { kind: string }) => b.kind === 'presentation').custom, false);

    const served = await admin.get(up.body.url);
    assert.equal(served.status, 200);
    assert.equal(served.headers.get('content-type'), 'image/bmp');
    assert.match(served.headers.get('cache-control') ?? '', /immutable/);

    const fresh = await CustomerSocket.join(broker, { kind: 'rep', rep: rep.username }, { name: 'Après' });
    const w2 = await fresh.welcome();
    assert.equal(w2.chatBanner, up.body.url);

    // The open session resumes with the banner it started with.
    open.ws.terminate();
    const back = await CustomerSocket.join(broker, { kind: 'resume', lsid: w1.lsid, resumeToken: w1.resumeToken, lastSeq: 0 });
    assert.equal((await back.welcome()).chatBanner, '/api/v1/site-images/default');

    const reverted = await admin.delete('/api/v1/portal/banners/customer_chat');
    assert.equal(reverted.body.custom, false);
    const later = await CustomerSocket.join(broker, { kind: 'rep', rep: rep.username }, { name: 'Encore après' });
    assert.equal((await later.welcome()).chatBanner, '/api/v1/site-images/default');
    // The session that started with the custom banner keeps it after the revert.
    fresh.ws.terminate();
    const fresh2 = await CustomerSocket.join(broker, { kind: 'resume', lsid: w2.lsid, resumeToken: w2.resumeToken, lastSeq: 0 });
    assert.equal((await fresh2.welcome()).chatBanner, up.body.url);
    for (const s of [back, later, fresh2]) await s.close();
  });

  it('POR-7: new presentations give their attendees the uploaded attendee banner, a running one keeps its own, revert brings the default back; the customer banner is untouched', async () => {
    const token = await presenterToken(broker, rep.username, rep.password);
    const format = { codec: 'vp8', width: 320, height: 240 } as const;
    const parties: { dispose?: () => void; drop?: () => void }[] = [];
    const join = async (key: string, name: string) => {
      const a = attendee(broker);
      parties.push(a);
      return (await a.join({ key }, name)).bannerUrl;
    };
    try {
      const before = presenter(broker, token);
      parties.push(before);
      const p1 = await before.start({ name: 'Avant', listed: false, format });
      assert.equal(await join(p1.key, 'Ana'), '/api/v1/site-images/default');

      const file = goodBanner(40, (x) => x % 256);
      const up = await admin.upload('/api/v1/portal/banners/presentation', file, 'image/bmp');
      assert.equal(up.status, 200, JSON.stringify(up.body));
      const customer = (await admin.get('/api/v1/portal/banners')).body.banners.find((b: { kind: string }) => b.kind === 'customer_chat');
      assert.equal(customer.custom, false);
      const served = await admin.get(up.body.url);
      assert.equal(served.status, 200);

      const after = presenter(broker, token);
      parties.push(after);
      const p2 = await after.start({ name: 'Après', listed: false, format });
      assert.equal(await join(p2.key, 'Bea'), up.body.url);
      // The one that was running keeps its banner for attendees joining now.
      assert.equal(await join(p1.key, 'Cid'), '/api/v1/site-images/default');

      const reverted = await admin.delete('/api/v1/portal/banners/presentation');
      assert.equal(reverted.body.custom, false);
      const later = presenter(broker, token);
      parties.push(later);
      const p3 = await later.start({ name: 'Plus tard', listed: false, format });
      assert.equal(await join(p3.key, 'Dan'), '/api/v1/site-images/default');
      assert.equal(await join(p2.key, 'Eva'), up.body.url, 'the presentation started with the custom banner keeps it after the revert');
    } finally {
      for (const x of parties) {
        if (x.dispose) x.dispose();
        else x.drop?.();
      }
    }
  });

  it('POR-6: the customer client fetches its session\'s banner (pinned) and its chat page shows it', async () => {
    const file = goodBanner(40, (x) => (x * 3) % 256);
    const up = await admin.upload('/api/v1/portal/banners/customer_chat', file, 'image/bmp');
    assert.equal(up.status, 200);
    const p = new CustomerProcess(['--broker', broker.url, '--connect', '--pin', broker.fingerprint, '--name', 'Zoé', '--no-browser']);
    try {
      const page = (await p.line(/^Chat window: (http:\/\/127\.0\.0\.1:\d+\/\S+\/)$/))[1]!;
      await pageUpdate(page, 'banner');
      const served = await fetchBytes(`${page}banner.bmp`);
      assert.equal(served.status, 200);
      assert.equal(served.type, 'image/bmp');
      assert.deepEqual(new Uint8Array(served.body), file);
    } finally {
      await p.stop();
      await admin.delete('/api/v1/portal/banners/customer_chat');
    }
  });
});

// JMP-5, the checks before a swap: only the installed executable replaces itself, and only with
// an update signed by the site's key (the integration test runs the whole update).
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { jumpUpdateStatement } from '../../src/protocol/jump.ts';
import { UpdateError, installedExecutable, verifyOffer, type UpdateOffer } from '../../src/endpoint/jump/self-update.ts';

describe('Jump Client self-update checks (JMP-5)', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const updateKey = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const base = { type: 'update' as const, version: '9.9.9', platform: 'linux-x64', path: '/download/jump-agent/linux-x64', size: 1234, sha512: 'a'.repeat(128) };
  const signed = (o: Omit<UpdateOffer, 'signature'>, key = privateKey): UpdateOffer => ({ ...o, signature: sign(null, Buffer.from(jumpUpdateStatement(o)), key).toString('base64') });

  it('JMP-5: an offer signed by the site key passes; another key, a changed field or no key is refused', () => {
    verifyOffer(signed(base), updateKey);
    const other = generateKeyPairSync('ed25519').privateKey;
    assert.throws(() => verifyOffer(signed(base, other), updateKey), UpdateError);
    for (const change of [{ version: '9.9.10' }, { size: 1235 }, { sha512: 'b'.repeat(128) }, { platform: 'win32-x64' }]) {
      assert.throws(() => verifyOffer({ ...signed(base), ...change }, updateKey), /not signed by this site/, JSON.stringify(change));
    }
    assert.throws(() => verifyOffer(signed(base), undefined), /no update key/);
  });

  it('JMP-5: only the executable installed in the install directory updates itself (not `passerelle jump run` under node)', () => {
    assert.equal(installedExecutable('/opt/pj', '/opt/pj/passerelle-jump'), '/opt/pj/passerelle-jump');
    assert.equal(installedExecutable('/opt/pj/', '/opt/pj/passerelle-jump'), '/opt/pj/passerelle-jump');
    assert.equal(installedExecutable('/opt/pj', '/usr/bin/node'), null);
    assert.equal(installedExecutable('/opt/pj', '/tmp/passerelle-jump'), null);
  });
});

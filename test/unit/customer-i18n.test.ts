// The customer's words outside i18next (issue 9 item 9): the portal and its web chat, the
// presentation attendee page, and the customer client (terminal and chat window). French and
// English have the same keys, and each text built from values takes the same values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { customerBundles, customerLang, endedText, errorText, localeLang } from '../../src/endpoint/customer/customer-strings.ts';

type Leaf = { kind: 'text'; value: string | null } | { kind: 'fn'; arity: number; sample: string };

function flatten(o: object, prefix = ''): Map<string, Leaf> {
  const out = new Map<string, Leaf>();
  for (const [k, v] of Object.entries(o)) {
    const key = prefix + k;
    if (typeof v === 'string' || v === null) out.set(key, { kind: 'text', value: v });
    else if (typeof v === 'function') {
      const args = Array.from({ length: v.length }, (_, i) => `«${i}»`);
      out.set(key, { kind: 'fn', arity: v.length, sample: String(v(...args)) });
    } else for (const [k2, v2] of flatten(v as object, `${key}.`)) out.set(k2, v2);
  }
  return out;
}

function assertParity(name: string, en: object, fr: object): void {
  const e = flatten(en);
  const f = flatten(fr);
  assert.deepEqual([...f.keys()].filter((k) => !e.has(k)), [], `${name}: keys only in French`);
  assert.deepEqual([...e.keys()].filter((k) => !f.has(k)), [], `${name}: keys only in English`);
  for (const [k, le] of e) {
    const lf = f.get(k)!;
    assert.equal(lf.kind, le.kind, `${name} ${k}`);
    if (le.kind === 'fn' && lf.kind === 'fn') {
      assert.equal(lf.arity, le.arity, `${name} ${k}: same values`);
      // Every value given shows up in both languages.
      for (let i = 0; i < le.arity; i++) {
        assert.ok(le.sample.includes(`«${i}»`), `${name} ${k}: English drops value ${i}`);
        assert.ok(lf.sample.includes(`«${i}»`), `${name} ${k}: French drops value ${i}`);
      }
    } else if (le.kind === 'text' && lf.kind === 'text' && le.value !== null) {
      assert.ok(lf.value, `${name} ${k}: no French text`);
    }
  }
}

describe('the customer\'s words outside i18next (issue 9 item 9)', () => {
  it('CON-1: the customer client, the portal and the attendee page have the same keys and values in French and English', async () => {
    assertParity('customer client', customerBundles.en, customerBundles.fr);
    // The portal modules read the browser's language when loaded.
    (globalThis as Record<string, unknown>).navigator ??= { language: 'en-US' };
    const { portalBundles } = await import('../../renderer/portal/strings.ts');
    const { presentationBundles } = await import('../../renderer/portal/presentation-strings.ts');
    assertParity('portal', portalBundles.en, portalBundles.fr);
    assertParity('attendee page', presentationBundles.en, presentationBundles.fr);
  });

  it('CON-3: the customer client takes its language from LC_ALL, LC_MESSAGES, then LANG; C or unset leaves the chat window to the browser', () => {
    assert.equal(localeLang({ LANG: 'fr_FR.UTF-8' }), 'fr');
    assert.equal(localeLang({ LANG: 'fr_CA' }), 'fr');
    assert.equal(localeLang({ LANG: 'fr' }), 'fr');
    assert.equal(localeLang({ LANG: 'fr_FR.UTF-8', LC_MESSAGES: 'en_GB.UTF-8' }), 'en');
    assert.equal(localeLang({ LANG: 'en_US.UTF-8', LC_ALL: 'fr_BE.UTF-8' }), 'fr');
    assert.equal(localeLang({ LANG: 'C.UTF-8' }), null);
    assert.equal(localeLang({}), null);
    assert.equal(localeLang({ LANG: 'frisian' }), null);
    assert.equal(customerLang({ LANG: 'POSIX' }), 'en');
  });

  it('CON-3: the end and known errors are words, in the customer\'s language, never a raw code', () => {
    assert.equal(endedText('ended_by_rep', customerBundles.fr), 'Session terminée. Le technicien a terminé la session.');
    assert.equal(endedText('ended_by_rep', customerBundles.en), 'Session ended. The representative ended the session.');
    assert.equal(endedText('something_new', customerBundles.fr), 'Session terminée.');
    assert.match(errorText(customerBundles.fr, 'invalid_session_key', 'This session key is not valid'), /^Cette clé de session n'est pas valide/);
    // English keeps the site's own message where it says more (the fingerprint that did not match).
    assert.equal(errorText(customerBundles.en, 'certificate_mismatch', 'The site\'s certificate (AB:CD) does not match'), 'The site\'s certificate (AB:CD) does not match');
    assert.equal(errorText(customerBundles.fr, 'unknown_code', 'As the site said'), 'As the site said');
  });
});

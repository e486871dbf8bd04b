// The renderer's translations: French and English have the same keys and the same
// interpolation variables, so no screen falls back to a raw key in one language.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import en from '../../renderer/src/i18n/en.json' with { type: 'json' };
import fr from '../../renderer/src/i18n/fr.json' with { type: 'json' };
import type { ErrorCode } from '../../src/protocol/errors.ts';

function flatten(o: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('renderer translations', () => {
  const e = flatten(en);
  const f = flatten(fr);

  it('French and English have the same keys', () => {
    assert.deepEqual([...f.keys()].filter((k) => !e.has(k)), [], 'keys only in French');
    assert.deepEqual([...e.keys()].filter((k) => !f.has(k)), [], 'keys only in English');
  });

  it('each French text uses the same {{variables}} as its English text', () => {
    for (const [k, v] of e) assert.deepEqual(vars(f.get(k) ?? ''), vars(v), k);
  });

  it('every error code the login, account, users and status pages can meet has a text', () => {
    const codes: ErrorCode[] = ['invalid_credentials', 'account_locked', 'account_disabled', 'licence_limit_reached', 'rate_limited',
      'password_policy', 'wrong_password', 'password_change_required', 'password_expired', 'reset_unavailable', 'own_account',
      'conflict', 'validation_failed', 'forbidden', 'not_found', 'unauthenticated', 'csrf_failed', 'internal'];
    for (const code of codes) assert.ok(e.has(`errors.${code}`), `errors.${code}`);
  });
});

describe('Reports tab translations (REP-1..4)', () => {
  it('REP-1: French and English have the same keys and variables', async () => {
    const { en: re, fr: rf } = await import('../../renderer/src/features/reports/strings.ts');
    const e = flatten(re);
    const f = flatten(rf);
    assert.deepEqual([...e.keys()].sort(), [...f.keys()].sort());
    for (const [k, v] of e) assert.deepEqual(vars(f.get(k) ?? ''), vars(v), k);
  });
});

describe('every renderer bundle, including the inline ones (issue 9 item 9)', () => {
  it('CON-1: all bundles added anywhere in the renderer have the same keys and variables in French and English', async () => {
    // Every file that adds a bundle, found by its call, so a new inline bundle is covered too.
    const files = execFileSync('git', ['grep', '-l', 'addResourceBundle', '--', 'renderer/src'], { encoding: 'utf8' }).trim().split('\n');
    for (const must of ['renderer/src/features/portal-settings/PortalSettingsPage.tsx', 'renderer/src/features/queue/i18n.ts',
      'renderer/src/features/tools/tools-i18n.ts']) assert.ok(files.includes(must), `${must} not found`);
    // Stand-ins for the two browser globals the modules read when loaded; nothing is rendered.
    const g = globalThis as Record<string, unknown>;
    g.document ??= { documentElement: {} };
    g.window ??= { location: { origin: 'https://localhost' }, fetch: () => Promise.reject(new Error('no network in this test')) };
    const { default: i18n } = await import('../../renderer/src/i18n/index.ts');
    for (const file of files) await import(join(process.cwd(), file));
    const e = flatten(i18n.getResourceBundle('en', 'translation'));
    const f = flatten(i18n.getResourceBundle('fr', 'translation'));
    assert.ok(e.size > flatten(en).size, 'the inline bundles were not loaded');
    assert.deepEqual([...f.keys()].filter((k) => !e.has(k)), [], 'keys only in French');
    assert.deepEqual([...e.keys()].filter((k) => !f.has(k)), [], 'keys only in English');
    for (const [k, v] of e) assert.deepEqual(vars(f.get(k) ?? ''), vars(v), k);
  });
});

// The Jump Clients tab's words: French and English have the same keys and {{variables}}; every
// platform and command line the broker offers has a label.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JumpPlatform } from '../../src/protocol/jump.ts';
import { en, fr } from '../../renderer/src/features/jump-clients/strings.ts';

function flatten(o: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [k2, v2] of flatten(v as object, `${prefix}${k}.`)) out.set(k2, v2);
  }
  return out;
}
const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('Jump Clients tab translations', () => {
  it('JMP-1: French and English have the same keys and variables', () => {
    const e = flatten(en);
    const f = flatten(fr);
    assert.deepEqual([...e.keys()].sort(), [...f.keys()].sort());
    for (const [k, v] of e) assert.deepEqual(vars(f.get(k) ?? ''), vars(v), k);
  });
  it('JMP-4: each platform and each command line has its words', () => {
    const e = flatten(en);
    for (const p of JumpPlatform.options) assert.ok(e.has(`jump.platform_${p.replace(/-/g, '_')}`), p);
    for (const c of ['download', 'install', 'install_service', 'cli']) assert.ok(e.has(`jump.command_${c}`), c);
  });
});

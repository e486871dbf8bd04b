// Finds the installed package's root (where package.json and dist/ live), from source or bundle alike.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: { root: string; version: string } | undefined;

export function appRoot(): { root: string; version: string } {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const parsed = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string; version?: string };
      if (parsed.name === 'passerelle') return (cached = { root: dir, version: parsed.version ?? '0.0.0' });
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the passerelle package root');
    dir = up;
  }
}

// DESIGN.md "Folder rules" as enforced by `npm run lint`: ESLint runs on small generated files placed
// (virtually) in each folder, and every kind of forbidden import must fail while allowed ones pass.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: root });
const RULE = 'local/folder-layers';

/** Lints `code` as if it were the file `file` (repo-relative) and returns the folder-rule messages. */
async function folderErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  assert.ok(result, `ESLint linted ${file}`);
  return result.messages.filter((m) => m.ruleId === RULE || m.fatal).map((m) => m.message);
}

/** A relative specifier reaching `target` (repo-relative) from the folder `fromDir`. */
function relative(fromDir: string, target: string): string {
  const spec = path.posix.relative(fromDir, target);
  return spec.startsWith('.') ? spec : `./${spec}`;
}

const probe = (folder: string) => `${folder}/probe/probe.ts`;
const importing = (specifier: string) => `import * as m from '${specifier}';\nexport const x = m;\n`;

async function expectImport(folder: string, target: string, allowed: boolean): Promise<void> {
  const ours = /^(src|main|renderer|test)\//.test(target);
  const specifier = ours ? relative(`${folder}/probe`, target) : target;
  const errors = await folderErrors(probe(folder), importing(specifier));
  if (allowed) assert.deepEqual(errors, [], `${folder} may import ${target}`);
  else assert.equal(errors.length, 1, `${folder} must not import ${target} (got ${JSON.stringify(errors)})`);
}

type Row = { folders: string[]; packages: string[] };

async function configuredLayers(): Promise<Record<string, Row>> {
  const config = await eslint.calculateConfigForFile(path.join(root, 'src/protocol/index.ts'));
  const [, options] = config.rules[RULE];
  return options.layers as Record<string, Row>;
}

describe('issue 7 item 8: DESIGN.md folder rules, enforced by lint', () => {
  it('every folder of DESIGN.md has a row, including folders not written yet', async () => {
    const layers = await configuredLayers();
    assert.deepEqual(Object.keys(layers).sort(), [
      'main', 'renderer', 'src/broker', 'src/cli', 'src/codec', 'src/console-core', 'src/customer-core',
      'src/desktop-core', 'src/endpoint', 'src/installers', 'src/protocol',
    ]);
  });

  // [folder, import target, allowed] — a folder of ours is a repo path, anything else a package name.
  const cases: [string, string, boolean][] = [
    ['src/protocol', 'zod', true],
    ['src/protocol', 'src/broker/errors.ts', false],
    ['src/protocol', 'src/console-core/index.ts', false],
    ['src/protocol', 'node:fs', false],
    ['src/broker', 'src/protocol/index.ts', true],
    ['src/broker', 'src/endpoint/system-info.ts', false],
    ['src/broker', 'src/console-core/index.ts', false],
    ['src/broker', 'src/customer-core/index.ts', false],
    ['src/broker', 'renderer/src/App.tsx', false],
    ['src/broker', 'better-sqlite3', true],
    ['src/broker', 'electron', false],
    ['src/broker', 'react', false],
    ['src/endpoint', 'src/cli/index.ts', false],
    ['src/endpoint', 'src/broker/broker.ts', false],
    ['src/endpoint', 'src/customer-core/index.ts', true],
    ['src/endpoint', 'src/codec/index.ts', true],
    ['src/endpoint', 'ws', true],
    ['src/endpoint', 'electron', false],
    ['src/endpoint', 'fastify', false],
    ['src/codec', 'src/protocol/channels.ts', true],
    ['src/codec', 'src/broker/broker.ts', false],
    ['src/codec', 'src/endpoint/system-info.ts', false],
    ['src/cli', 'src/broker/broker.ts', true],
    ['src/cli', 'src/endpoint/customer/customer-command.ts', true],
    ['src/cli', 'renderer/src/App.tsx', false],
    ['src/cli', 'src/console-core/index.ts', false],
    ['src/cli', 'electron', false],
    ['src/console-core', 'src/protocol/index.ts', true],
    ['src/console-core', 'node:fs', false],
    ['src/console-core', 'fs', false],
    ['src/console-core', 'ws', false],
    ['src/console-core', 'src/broker/errors.ts', false],
    ['src/console-core', 'src/customer-core/index.ts', false],
    ['src/customer-core', 'src/protocol/sessions.ts', true],
    ['src/customer-core', 'node:crypto', false],
    ['src/customer-core', 'src/endpoint/system-info.ts', false],
    ['src/customer-core', 'src/console-core/index.ts', false],
    ['src/customer-core', 'ws', false],
    ['src/desktop-core', 'src/console-core/index.ts', true],
    ['src/desktop-core', 'node:fs', true],
    ['src/desktop-core', 'electron', false],
    ['src/desktop-core', 'react', false],
    ['src/desktop-core', 'src/broker/broker.ts', false],
    ['src/installers', 'node:child_process', true],
    ['src/installers', 'src/broker/services/users.ts', false],
    ['src/installers', 'electron', false],
    ['src/installers', 'react', false],
    ['main', 'electron', true],
    ['main', 'src/broker/broker.ts', true],
    ['main', 'src/desktop-core/cert-pin.ts', true],
    ['main', 'renderer/src/App.tsx', false],
    ['main', 'react', false],
    ['renderer', 'react', true],
    ['renderer', 'zustand', true],
    ['renderer', 'src/console-core/index.ts', true],
    ['renderer', 'src/customer-core/index.ts', true],
    ['renderer', 'ws', false],
    ['renderer', 'better-sqlite3', false],
    ['renderer', 'node:path', false],
    ['renderer', 'electron', false],
    ['renderer', 'src/broker/errors.ts', false],
    ['renderer', 'src/endpoint/system-info.ts', false],
    ['renderer', 'main/preload.ts', false],
    ['renderer', 'test/support/broker.ts', false],
  ];
  for (const [folder, target, allowed] of cases) {
    it(`${folder} ${allowed ? 'may' : 'must not'} import ${target}`, async () => {
      await expectImport(folder, target, allowed);
    });
  }

  it('every row, against every folder and every package of the table: passes exactly when the row lists it', async () => {
    const layers = await configuredLayers();
    const folders = Object.keys(layers);
    const packages = [...new Set(Object.values(layers).flatMap((r) => r.packages))]
      .map((p) => (p === 'node:*' ? 'node:fs' : p.replace('/*', '/probe')));
    for (const [folder, row] of Object.entries(layers)) {
      for (const other of folders) {
        await expectImport(folder, `${other}/probe-target.ts`, other === folder || row.folders.includes(other));
      }
      for (const pkg of packages) {
        const listed = row.packages.some((p) => p === pkg || (p === 'node:*' && pkg === 'node:fs') || (p.endsWith('/*') && pkg.startsWith(p.slice(0, -1))));
        await expectImport(folder, pkg, listed);
      }
      await expectImport(folder, 'left-pad', false);
    }
  });

  it('every import form is checked: export-from, dynamic import(), import type, import = require, import() types', async () => {
    const file = probe('src/endpoint');
    const cli = relative('src/endpoint/probe', 'src/cli/index.ts');
    const forms = [
      `export * from '${cli}';`,
      `export { main } from '${cli}';`,
      `export async function f() { return import('${cli}'); }`,
      `import type { main } from '${cli}';\nexport type M = typeof main;`,
      `import cli = require('${cli}');\nexport const c = cli;`,
      `export type M = typeof import('${cli}');`,
    ];
    for (const code of forms) {
      assert.equal((await folderErrors(file, code)).length, 1, `refused: ${code}`);
    }
  });

  it('a file in a folder with no row fails lint, and the message says to add one', async () => {
    const errors = await folderErrors('src/new-area/thing.ts', 'export const x = 1;\n');
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /no folder of the layer table/);
    assert.equal((await folderErrors('src/loose.ts', 'export const x = 1;\n')).length, 1);
  });

  it('the message of a refused import names the folder, the target and what is allowed', async () => {
    const [message] = await folderErrors(probe('src/endpoint'), importing(relative('src/endpoint/probe', 'src/cli/index.ts')));
    assert.match(message!, /src\/endpoint may not import src\/cli/);
    assert.match(message!, /src\/protocol/);
    const [pkg] = await folderErrors(probe('renderer'), importing('better-sqlite3'));
    assert.match(pkg!, /renderer may not import the npm package "better-sqlite3"/);
  });

  it('the repository itself passes the folder rules (no existing violation)', async () => {
    const results = await eslint.lintFiles(['src', 'main', 'renderer']);
    const bad = results.flatMap((r) => r.messages.filter((m) => m.ruleId === RULE).map((m) => `${path.relative(root, r.filePath)}: ${m.message}`));
    assert.deepEqual(bad, []);
  });
});

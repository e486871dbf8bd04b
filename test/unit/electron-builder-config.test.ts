// CON-1: electron-builder.yml is checked against the JSON schema electron-builder itself ships,
// so a typo or a wrong type fails CI instead of a release build.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import yaml from 'js-yaml';
import { appRoot } from '../../src/broker/app-root.ts';
import { APP_ID } from '../../src/desktop-core/app-id.ts';

const root = appRoot().root;
const schema = JSON.parse(readFileSync(join(root, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, any>;

describe('electron-builder.yml', () => {
  it('CON-1: validates against app-builder-lib/scheme.json', () => {
    const ok = validate(config);
    assert.ok(ok, `schema errors: ${JSON.stringify(validate.errors, null, 2)}`);
  });

  it('CON-1: the schema check catches a typo and a wrong type', () => {
    assert.equal(validate({ ...config, appid: config.appId }), false, 'unknown key "appid" must fail');
    assert.equal(validate({ ...config, nsis: { ...config.nsis, oneClick: 'no' } }), false, 'a string where a boolean goes must fail');
  });

  it('CON-1: app id, files, unpacked native modules, targets and the generic publish provider', () => {
    assert.equal(config.appId, APP_ID, 'the app id main/ uses (AppUserModelID) is the packaged one');
    assert.equal(config.productName, 'Passerelle');
    for (const f of ['dist/main/**', 'dist/renderer/**', 'dist/cli.js', 'dist/cli-bundle.cjs', 'package.json']) assert.ok(config.files.includes(f), f);
    for (const m of ['better-sqlite3', 'node-pty', 'sharp']) assert.ok(config.asarUnpack.some((p: string) => p.includes(`node_modules/${m}/`)), m);
    assert.deepEqual(config.win.target.map((t: any) => t.target), ['nsis']);
    assert.equal(config.nsis.oneClick, false, 'assisted NSIS: the user picks per user or per machine');
    assert.equal(config.nsis.perMachine, false);
    assert.deepEqual(config.mac.target.find((t: any) => t.target === 'dmg').arch, ['x64', 'arm64']);
    assert.deepEqual(config.linux.target.map((t: any) => t.target).sort(), ['AppImage', 'deb']);
    assert.equal(config.publish[0].provider, 'generic');
    assert.deepEqual(config.protocols[0].schemes, ['passerelle']);
  });

  it('CON-1: package.json points Electron at the bundled main', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    assert.equal(pkg.main, 'dist/main/main.cjs');
    assert.ok(pkg.scripts.dist, 'npm run dist exists');
  });
});

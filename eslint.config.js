// Lint rules, including DESIGN.md's folder rules: a wrong import between layers fails `npm run lint`.
import tseslint from 'typescript-eslint';
import local, { NODE_BUILTINS } from './eslint-rules/folder-layers.js';

const node = NODE_BUILTINS;
const allSrc = ['src/protocol', 'src/codec', 'src/broker', 'src/endpoint', 'src/cli', 'src/console-core', 'src/customer-core', 'src/desktop-core', 'src/installers'];

/**
 * DESIGN.md "Folder rules", as one table: folder → the folders of ours it may import (besides
 * itself) and the npm packages it may import (`node:*` = node's built-ins). Every folder of src/,
 * main/ and renderer/ has a row, including those not written yet; a file in a folder with no row,
 * an import of a folder or a package its row does not list, fails lint. A new dependency is a
 * conscious choice: add it to the rows that may use it.
 */
export const layers = {
  'src/protocol': { folders: [], packages: ['zod'], why: 'the wire contract is pure: zod only' },
  'src/codec': { folders: ['src/protocol'], packages: [node, 'zod', 'node-av', 'sharp'], why: 'node-side codec library' },
  'src/broker': {
    folders: ['src/protocol', 'src/codec'],
    packages: [node, 'zod', 'ws', 'fastify', '@fastify/*', 'fastify-type-provider-zod', 'pino', 'better-sqlite3', '@node-rs/argon2', 'otpauth', 'qrcode', 'js-yaml', 'nodemailer'],
    why: 'the broker knows nothing of the clients',
  },
  'src/endpoint': {
    folders: ['src/protocol', 'src/codec', 'src/customer-core'],
    packages: [node, 'zod', 'ws', 'x11', 'node-av', 'node-pty', 'perfect-freehand'],
    why: 'the agent knows nothing of the broker, the command line or the consoles',
  },
  'src/cli': {
    folders: ['src/protocol', 'src/broker', 'src/endpoint', 'src/codec'],
    packages: [node, 'zod', 'js-yaml'],
    why: 'the passerelle command starts the broker and the customer client',
  },
  'src/console-core': { folders: ['src/protocol'], packages: ['zod'], why: 'isomorphic: web-standard APIs are injected' },
  'src/customer-core': { folders: ['src/protocol'], packages: ['zod'], why: 'isomorphic: web-standard APIs are injected' },
  'src/desktop-core': { folders: ['src/protocol', 'src/console-core'], packages: [node, 'zod'], why: 'main/ hands it what it needs from electron' },
  'src/installers': { folders: ['src/protocol'], packages: [node, 'zod'], why: 'installers never reach into the broker' },
  main: { folders: allSrc, packages: [node, 'zod', 'electron', 'electron-updater', 'ws'], why: 'the Electron main process never imports the renderer' },
  renderer: {
    folders: ['src/protocol', 'src/console-core', 'src/customer-core'],
    packages: ['zod', 'react', 'react-dom', 'react-router', 'zustand', 'i18next', 'react-i18next', 'i18next-browser-languagedetector', '@xterm/*', 'perfect-freehand'],
    why: 'the renderer runs in a browser: no node, no electron, no server packages',
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'data/**', '.tmp/**', 'build/stand-in/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  // Tests read loosely-typed JSON bodies from the API on purpose.
  { files: ['test/**/*.ts', 'bench/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  {
    files: ['src/**', 'main/**', 'renderer/**'].flatMap((d) => [`${d}/*.ts`, `${d}/*.tsx`, `${d}/*.js`, `${d}/*.mjs`, `${d}/*.cjs`]),
    plugins: { local },
    rules: { 'local/folder-layers': ['error', { layers, covered: ['src', 'main', 'renderer'] }] },
  },
);

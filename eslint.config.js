// Lint rules, including DESIGN.md's folder rules: a wrong import between layers fails `npm run lint`.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'net', 'tls', 'http', 'https', 'crypto', 'child_process', 'stream', 'url', 'util', 'events', 'worker_threads', 'zlib', 'dgram', 'dns', 'readline'];

/** One table of folder → forbidden import patterns (DESIGN.md "Folder rules"). */
const layers = [
  {
    files: ['src/protocol/**/*.ts'],
    forbid: [...nodeBuiltins, 'electron', 'react', 'react-*', '**/broker/**', '**/endpoint/**', '**/console-core/**', '**/codec/**', '**/cli/**', '**/renderer/**', '**/main/**'],
    why: 'src/protocol is pure: it may import zod only',
  },
  {
    files: ['src/broker/**/*.ts', 'src/endpoint/**/*.ts', 'src/codec/**/*.ts', 'src/cli/**/*.ts'],
    forbid: ['electron', 'react', 'react-*', '**/renderer/**', '**/console-core/**', '**/main/**'],
    why: 'node-side code may import node, src/protocol and its own libraries',
  },
  {
    files: ['src/console-core/**/*.ts'],
    forbid: [...nodeBuiltins, 'electron', 'react', 'react-*', '**/broker/**', '**/endpoint/**', '**/renderer/**', '**/main/**'],
    why: 'console-core is isomorphic: protocol and web-standard APIs only',
  },
  {
    files: ['main/**/*.ts'],
    forbid: ['**/renderer/**', 'react', 'react-*'],
    why: 'main/ must not import the renderer',
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    forbid: [...nodeBuiltins, 'electron', '**/broker/**', '**/endpoint/**', '**/main/**', '**/cli/**'],
    why: 'the renderer runs in a browser: no node built-ins, no electron',
  },
];

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
  ...layers.map(({ files, forbid, why }) => ({
    files,
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: forbid, message: `Folder rule (DESIGN.md): ${why}.` }] }],
    },
  })),
);

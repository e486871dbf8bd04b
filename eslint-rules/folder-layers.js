// The one lint rule behind DESIGN.md's "Folder rules": every file of a covered root (src/*, main/,
// renderer/) belongs to exactly one folder of the table in eslint.config.js, and may import only its
// own folder, the folders its row allows, and the npm packages (or node built-ins) its row lists.
// A folder with no row fails too, so a new folder is a conscious choice, not a hole.
import { isBuiltin } from 'node:module';
import path from 'node:path';

/** The marker, in a row's `packages`, that allows node's built-in modules (`node:fs`, `fs`, …). */
export const NODE_BUILTINS = 'node:*';

/**
 * @typedef {{ folders: string[], packages: string[], why?: string }} FolderRow
 * @typedef {{ layers: Record<string, FolderRow>, covered: string[] }} FolderLayersOptions
 */

const toPosix = (p) => p.split(path.sep).join('/');

/** The longest table key that is `rel` itself or one of its parent folders. */
function folderOf(rel, keys) {
  let best;
  for (const key of keys) {
    if ((rel === key || rel.startsWith(`${key}/`)) && (!best || key.length > best.length)) best = key;
  }
  return best;
}

/** `@scope/name/sub` → `@scope/name`; `react-dom/client` → `react-dom`. */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function packageAllowed(name, allowed) {
  return allowed.some((p) => p === name || (p.endsWith('/*') && name.startsWith(p.slice(0, -1))));
}

/** @type {import('eslint').Rule.RuleModule} */
export const folderLayers = {
  meta: {
    type: 'problem',
    docs: { description: 'DESIGN.md folder rules: a folder imports only the folders and packages its row allows' },
    schema: [
      {
        type: 'object',
        properties: {
          layers: {
            type: 'object',
            additionalProperties: {
              type: 'object',
              properties: {
                folders: { type: 'array', items: { type: 'string' } },
                packages: { type: 'array', items: { type: 'string' } },
                why: { type: 'string' },
              },
              required: ['folders', 'packages'],
              additionalProperties: false,
            },
          },
          covered: { type: 'array', items: { type: 'string' } },
        },
        required: ['layers', 'covered'],
        additionalProperties: false,
      },
    ],
    messages: {
      noRow: 'Folder rule (DESIGN.md): {{file}} is in no folder of the layer table in eslint.config.js; add a row for its folder.',
      folder: 'Folder rule (DESIGN.md): {{from}} may not import {{to}} ("{{specifier}}"); it may import {{allowed}}.{{why}}',
      outside: 'Folder rule (DESIGN.md): {{from}} may not import "{{specifier}}", which is outside every folder of the layer table.',
      builtin: 'Folder rule (DESIGN.md): {{from}} may not import the node built-in "{{specifier}}".{{why}}',
      package: 'Folder rule (DESIGN.md): {{from}} may not import the npm package "{{name}}"; its row allows {{allowed}}.{{why}}',
    },
  },

  create(context) {
    /** @type {FolderLayersOptions} */
    const { layers, covered } = context.options[0];
    const root = context.cwd;
    const keys = Object.keys(layers);
    const filename = context.filename;
    const rel = toPosix(path.relative(root, filename));
    if (rel.startsWith('..') || path.isAbsolute(rel)) return {};
    const from = folderOf(rel, keys);
    if (!from) {
      if (!covered.some((c) => rel.startsWith(`${c}/`))) return {};
      return {
        Program(node) {
          context.report({ node, messageId: 'noRow', data: { file: rel } });
        },
      };
    }
    const row = layers[from];
    const why = row.why ? ` (${row.why})` : '';
    const list = (items) => (items.length ? items.join(', ') : 'nothing else');

    function check(node) {
      if (!node || node.type !== 'Literal' || typeof node.value !== 'string') return;
      const specifier = node.value;
      if (specifier.startsWith('.') || specifier.startsWith('/')) {
        const target = toPosix(path.relative(root, path.resolve(path.dirname(filename), specifier)));
        const to = target.startsWith('..') ? undefined : folderOf(target, keys);
        if (to === from) return;
        if (!to) {
          context.report({ node, messageId: 'outside', data: { from, specifier } });
        } else if (!row.folders.includes(to)) {
          context.report({ node, messageId: 'folder', data: { from, to, specifier, allowed: list([from, ...row.folders]), why } });
        }
        return;
      }
      if (isBuiltin(specifier)) {
        if (!row.packages.includes(NODE_BUILTINS)) context.report({ node, messageId: 'builtin', data: { from, specifier, why } });
        return;
      }
      const name = packageName(specifier);
      if (!packageAllowed(name, row.packages)) {
        context.report({ node, messageId: 'package', data: { from, name, allowed: list(row.packages), why } });
      }
    }

    return {
      ImportDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      TSImportEqualsDeclaration: (node) => {
        if (node.moduleReference.type === 'TSExternalModuleReference') check(node.moduleReference.expression);
      },
      // import('x').T in a type position
      TSImportType: (node) => check(node.argument?.type === 'TSLiteralType' ? node.argument.literal : node.argument),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments.length === 1) check(node.arguments[0]);
      },
    };
  },
};

export default { rules: { 'folder-layers': folderLayers } };

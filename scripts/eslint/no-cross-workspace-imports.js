// ESLint rule: a relative import must stay inside its own workspace; another workspace is reached
// through its package name and exports (`@ecommerce-voicebot/contracts`), so package.json says
// what depends on what and the boundaries test can hold it. Written here rather than taken from
// eslint-plugin-import(-x)'s `no-relative-packages`: that rule only reports imports its resolver
// can resolve, and ours import `.ts` files by `.js` specifiers, which would need a TypeScript
// resolver to be checked at all.
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** The folder of the nearest package.json at or above `dir`. */
function packageRoot(dir) {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, 'package.json'))) return current;
    if (dirname(current) === current) return undefined;
  }
}

/** @type {import('eslint').Rule.RuleModule} */
export const noCrossWorkspaceImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Relative imports must not reach into another workspace' },
    schema: [],
    messages: {
      crossWorkspace:
        '"{{source}}" reaches into another workspace ({{target}}): import it by its package name, from what its package.json exports.',
    },
  },
  create(context) {
    const file = context.filename;
    const own = packageRoot(dirname(file));
    const check = (node) => {
      const source = node.source?.value;
      if (own === undefined || typeof source !== 'string' || !source.startsWith('.')) return;
      const target = resolve(dirname(file), source);
      const targetRoot = packageRoot(dirname(target));
      if (targetRoot === own) return;
      context.report({
        node: node.source,
        messageId: 'crossWorkspace',
        data: { source, target: relative(context.cwd, targetRoot ?? target) || '.' },
      });
    };
    return {
      ImportDeclaration: check,
      ExportAllDeclaration: check,
      ExportNamedDeclaration: check,
      ImportExpression: check,
    };
  },
};

// The house rules that hold the layout together, checked on the real tree: which workspace may
// depend on which, that each declares what it imports, that only config modules read the
// environment, and that the lint rule against relative cross-workspace imports bites.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SCOPE = '@ecommerce-voicebot/';

interface Manifest {
  name: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const readManifest = (dir: string): Manifest =>
  JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as Manifest;
const root = readManifest('.');
const workspaces = (root.workspaces ?? []).map((dir) => ({ dir, manifest: readManifest(dir) }));
const allDependencies = (manifest: Manifest) => ({
  ...manifest.dependencies,
  ...manifest.devDependencies,
  ...manifest.peerDependencies,
  ...manifest.optionalDependencies,
});
const ours = (manifest: Manifest) =>
  Object.keys(allDependencies(manifest)).filter((name) => name.startsWith(SCOPE));

/** What runs in production; each may depend on the contracts package and nothing else of ours. */
const PRODUCT = [
  'contracts',
  'data',
  'mcp',
  'agent',
  'token-api',
  'web-test',
  'sip',
  'switchboard',
  'stack',
];
const isTool = (dir: string) => dir.startsWith('tools/');
/**
 * Tools that drive the whole stack, as e2e and bench do (`npm run smoke`): they may depend on the
 * packages they start and call, and nothing depends on them.
 */
const STACK_RUNNERS = ['tools/smoke'];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path)) {
      if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
      const full = join(path, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(ts|tsx|js|mjs)$/.test(entry) && !entry.endsWith('.d.ts')) out.push(full);
    }
  };
  walk(join(ROOT, dir));
  return out;
}

const isTest = (file: string) => /\.test\.tsx?$/.test(file) || /[/\\]testing[/\\]/.test(file);
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const packageOf = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;

describe('workspace boundaries', () => {
  it('knows every workspace it judges', () => {
    const dirs = workspaces.map((w) => w.dir);
    for (const dir of PRODUCT) expect(dirs).toContain(dir);
    expect(dirs.filter(isTool).length).toBeGreaterThanOrEqual(3);
  });

  it('product workspaces depend on the contracts package only, never on each other, tests or tools', () => {
    const offending = workspaces
      .filter((w) => PRODUCT.includes(w.dir))
      .flatMap((w) =>
        ours(w.manifest)
          .filter((name) => name !== `${SCOPE}contracts`)
          .map((name) => `${w.dir} -> ${name}`),
      );
    expect(offending).toEqual([]);
  });

  it('the contracts package depends on nothing at all, and tools on nothing of ours', () => {
    const contracts = workspaces.find((w) => w.dir === 'contracts')!;
    expect(Object.keys(allDependencies(contracts.manifest))).toEqual([]);
    const offending = workspaces
      .filter((w) => isTool(w.dir) && !STACK_RUNNERS.includes(w.dir))
      .flatMap((w) => ours(w.manifest).map((name) => `${w.dir} -> ${name}`));
    expect(offending).toEqual([]);
  });

  it('nothing depends on a stack runner', () => {
    const offending = workspaces.flatMap((w) =>
      ours(w.manifest)
        .filter((name) =>
          STACK_RUNNERS.some(
            (dir) => workspaces.find((x) => x.dir === dir)?.manifest.name === name,
          ),
        )
        .map((name) => `${w.dir} -> ${name}`),
    );
    expect(offending).toEqual([]);
  });

  it('every workspace declares the packages it imports', () => {
    const rootDeclared = new Set(Object.keys(allDependencies(root)));
    const builtins = new Set(builtinModules);
    const undeclared: string[] = [];
    for (const { dir, manifest } of workspaces) {
      const declared = new Set([...Object.keys(allDependencies(manifest)), manifest.name]);
      for (const file of sourceFiles(dir)) {
        const text = readFileSync(file, 'utf8');
        for (const match of text.matchAll(IMPORT)) {
          const specifier = match[1] ?? match[2]!;
          if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
          const name = packageOf(specifier);
          if (builtins.has(name) || declared.has(name) || declared.has(`@types/${name}`)) continue;
          // Tooling the root installs for every workspace (vitest, typescript, eslint...) is fine in
          // tests and build configuration, never in what a service runs.
          if (rootDeclared.has(name) && (isTest(file) || !relative(dir, file).includes('src')))
            continue;
          undeclared.push(`${relative(ROOT, file)}: ${name}`);
        }
      }
    }
    expect(undeclared).toEqual([]);
  });

  it('only config modules (and entry points handing it to them) read process.env in product code', () => {
    const offending = PRODUCT.flatMap((dir) =>
      sourceFiles(dir)
        .filter((file) => !isTest(file) && !/[/\\](config|main)\.tsx?$/.test(file))
        .filter((file) => readFileSync(file, 'utf8').includes('process.env'))
        .map((file) => relative(ROOT, file)),
    );
    expect(offending).toEqual([]);
  });
});

describe('the lint rule against relative imports into another workspace', () => {
  const eslint = new ESLint({ cwd: ROOT });
  const lint = async (file: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
    return result!.messages
      .filter((m) => m.ruleId === 'boundaries/no-cross-workspace-imports')
      .map((m) => m.message);
  };

  it('refuses a relative path into another workspace', async () => {
    expect(
      await lint(
        'bench/x.ts',
        "import { createApp } from '../token-api/src/app.js';\nvoid createApp;\n",
      ),
    ).toEqual([expect.stringContaining('reaches into another workspace (token-api)')]);
    expect(
      await lint('agent/src/call/x.ts', "export * from '../../../mcp/src/index.js';\n"),
    ).toHaveLength(1);
  });

  it('accepts relative paths inside the workspace and package names across', async () => {
    expect(await lint('agent/src/call/x.ts', "export * from '../mcp/client.js';\n")).toEqual([]);
    expect(await lint('bench/x.ts', "export * from '@ecommerce-voicebot/token-api';\n")).toEqual(
      [],
    );
  });
});

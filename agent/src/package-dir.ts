// The agent package's folder, found from this module's location: the source (src/) and the bundle
// the stack runs (dist/main.js, from `agent/scripts/bundle.ts`) sit at different depths, so a path
// relative to `import.meta.url` would point elsewhere from one of them.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = '@ecommerce-voicebot/agent';

/** The nearest folder above `from` whose package.json is the agent's. */
export function findAgentDir(from: string): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
      if (name === PACKAGE_NAME) return dir;
    }
    if (dirname(dir) === dir) throw new Error(`no ${PACKAGE_NAME} package.json above ${from}`);
  }
}

export const AGENT_DIR = findAgentDir(fileURLToPath(import.meta.url));

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENT_DIR, findAgentDir } from './package-dir.js';

describe("the agent package's folder", () => {
  it('is found from the source and from a bundle one level down alike', () => {
    const root = mkdtempSync(join(tmpdir(), 'agent-dir-'));
    const agent = join(root, 'agent');
    mkdirSync(join(agent, 'src/call'), { recursive: true });
    mkdirSync(join(agent, 'dist'), { recursive: true });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'the-workspace' }));
    writeFileSync(
      join(agent, 'package.json'),
      JSON.stringify({ name: '@ecommerce-voicebot/agent' }),
    );
    expect(findAgentDir(join(agent, 'src/call/prompt.ts'))).toBe(agent);
    expect(findAgentDir(join(agent, 'dist/main.js'))).toBe(agent);
    expect(() => findAgentDir(join(root, 'elsewhere/x.js'))).toThrow(
      /no @ecommerce-voicebot\/agent/,
    );
  });

  it('is this package', () => {
    expect(AGENT_DIR).toMatch(/agent$/);
  });
});

import { describe, expect, it } from 'vitest';
import { bundleIndex, ranACall, sourceOf, topEntries, type CpuProfile } from './cpu-profile.js';

const frame = (id: number, functionName: string, url: string) => ({
  id,
  callFrame: { functionName, url, lineNumber: 0 },
});

const profile: CpuProfile = {
  nodes: [
    frame(1, '(root)', ''),
    frame(2, '(idle)', ''),
    frame(3, 'runCall', 'file:///app/agent/dist/other.js'),
    frame(4, 'encode', 'file:///app/node_modules/@livekit/rtc-node/dist/index.js'),
    frame(5, '(garbage collector)', ''),
  ],
  samples: [2, 2, 3, 4, 4, 4, 5],
  timeDeltas: [10_000, 10_000, 5_000, 4_000, 4_000, 4_000, 3_000],
};

describe('topEntries', () => {
  it('sums self time per function and per source, as shares of the busy time', () => {
    const top = topEntries([profile, profile], 3);
    expect(top.total_ms).toBe(80);
    expect(top.idle_ms).toBe(40);
    expect(top.functions[0]).toEqual({
      name: 'encode [@livekit/rtc-node]',
      self_ms: 24,
      percent: 60,
    });
    expect(top.functions.map((entry) => entry.name)).toEqual([
      'encode [@livekit/rtc-node]',
      'runCall [dist/other.js]',
      '(garbage collector) [(garbage collector)]',
    ]);
    expect(top.sources.map((entry) => entry.name)).toEqual([
      '@livekit/rtc-node',
      'dist/other.js',
      '(garbage collector)',
    ]);
  });
});

describe('sourceOf', () => {
  const at = (url: string, functionName = 'f', lineNumber = 0) => ({
    url,
    functionName,
    lineNumber,
  });

  it('names packages, Node and native frames', () => {
    expect(sourceOf(at('file:///x/node_modules/ws/lib/sender.js'))).toBe('ws');
    expect(sourceOf(at('node:internal/streams/readable'))).toBe('node (builtin)');
    expect(sourceOf(at('', 'writeSync'))).toBe('native');
    expect(sourceOf(at('', '(garbage collector)'))).toBe('(garbage collector)');
  });

  it("names a bundle chunk's frames by the module esbuild says each line comes from", () => {
    const chunk = [
      'import x from "y";',
      '// ../node_modules/@livekit/agents/dist/voice/agent.js',
      'function speak() {}',
      '// src/call/call-session.ts',
      'async function runCall() {}',
      '// ../contracts/src/job-taken.ts',
      'function takenDispatchOf() {}',
    ].join('\n');
    const index = bundleIndex(() => chunk);
    const url = 'file:///app/agent/dist/chunk-AB12.js';
    expect(sourceOf(at(url, 'speak', 2), index)).toBe('@livekit/agents');
    expect(sourceOf(at(url, 'runCall', 4), index)).toBe('ours (agent)');
    expect(sourceOf(at(url, 'takenDispatchOf', 6), index)).toBe('ours (contracts)');
    // Before the first module's comment (esbuild's own helpers): the chunk's name.
    expect(sourceOf(at(url, '__require', 0), index)).toBe('dist/chunk-AB12.js');
  });
});

describe('ranACall', () => {
  it('tells a job process that ran a call from one that only warmed', () => {
    expect(ranACall(profile)).toBe(true);
    expect(ranACall({ ...profile, nodes: profile.nodes.filter((n) => n.id !== 3) })).toBe(false);
  });
});

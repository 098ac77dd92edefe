import { describe, expect, it } from 'vitest';
import { parsePerfReport } from './perf-profile.js';

describe('parsePerfReport', () => {
  it('reads perf report -t ";" lines, one JIT entry for every thread and address, largest first', () => {
    const text = [
      '# To display the perf.data header info, please use --header/--header-only options.',
      '#',
      '# Samples: 425  of event cpu-clock',
      '#',
      '    30.82%;[vdso];[.] __vdso_gettimeofday',
      '     7.53%;[JIT] tid 29574;[.] 0x00007fd28a7c5bdf',
      '    40.10%;liblivekit_ffi.so;[.] opus_encode_native',
      '     2.47%;[JIT] tid 29575;[.] 0x00007fd28a7c5c40',
      '',
    ].join('\n');
    expect(parsePerfReport(text)).toEqual([
      { name: 'liblivekit_ffi.so: opus_encode_native', percent: 40.1 },
      { name: '[vdso]: __vdso_gettimeofday', percent: 30.8 },
      { name: '[JIT]', percent: 10 },
    ]);
  });

  it('reads a single sort key (threads)', () => {
    expect(parsePerfReport('    61.20%;node\n    38.80%;network_thread\n')).toEqual([
      { name: 'node', percent: 61.2 },
      { name: 'network_thread', percent: 38.8 },
    ]);
  });
});

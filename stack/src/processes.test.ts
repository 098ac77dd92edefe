import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { lowerPriority } from './processes.js';

describe('lowerPriority', () => {
  it('lowers a process and what it starts afterwards, and never raises one', async () => {
    // A shell that starts a child after a moment: the child inherits the nice value.
    const shell = spawn('sh', ['-c', 'sleep 0.3; sleep 5 & echo $!; wait'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      expect(lowerPriority(shell.pid!, 5)).toBe(true);
      expect(getPriority(shell.pid!)).toBe(5);
      const [line] = (await once(shell.stdout!, 'data')) as [Buffer];
      expect(getPriority(Number(line.toString().trim()))).toBe(5);
      // Already lower than asked: left as it is (raising needs privilege, and is not wanted).
      expect(lowerPriority(shell.pid!, 2)).toBe(true);
      expect(getPriority(shell.pid!)).toBe(5);
    } finally {
      shell.kill('SIGKILL');
    }
  });

  it('says so when the process is gone', () => {
    expect(lowerPriority(2 ** 22 + 12_345, 5)).toBe(false);
  });
});

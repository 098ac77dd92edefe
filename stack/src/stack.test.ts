import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { isWarmProcessLine, refuseForeignRedis, warmPoolSize } from './stack.js';

describe('refuseForeignRedis', () => {
  it('stops the start, naming the port, when anything listens on it', async () => {
    // Anything at all: the stack does not even ask whether it is a Redis.
    const server = createServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      await expect(refuseForeignRedis(port)).rejects.toThrow(
        new RegExp(`^port ${port} \\(Redis\\) is already in use .* never reuses another`),
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    await expect(refuseForeignRedis(port)).resolves.toBeUndefined();
  });
});

describe('the warm pool the runner waits for', () => {
  it('is AGENT_NUM_IDLE_PROCESSES when set, else the framework default min(cores, 4)', () => {
    expect(warmPoolSize('3')).toBe(3);
    for (const unset of [undefined, '', '0', 'x'])
      expect(warmPoolSize(unset)).toBe(Math.min(availableParallelism(), 4));
  });

  it('counts the worker lines that report a warm job process', () => {
    expect(isWarmProcessLine('{"level":30,"pid":7,"msg":"job process warm"}')).toBe(true);
    expect(isWarmProcessLine('{"level":30,"msg":"job process warm up failed"}')).toBe(false);
    expect(isWarmProcessLine('{"level":30,"msg":"registered worker"}')).toBe(false);
  });
});

import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { refuseForeignRedis } from './stack.js';

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

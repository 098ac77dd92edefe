import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stackMediaPorts } from './packet-capture.js';

describe('stackMediaPorts', () => {
  it("reads livekit-server's WebRTC ports and the bridge's RTP ports from their files", () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..');
    expect(stackMediaPorts(root)).toEqual({
      sfu: { min: 50000, max: 50199 },
      bridge: { min: 10000, max: 10199 },
    });
  });
});

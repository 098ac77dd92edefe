import { describe, expect, it } from 'vitest';
import { takenDispatchOf } from '@ecommerce-voicebot/contracts';
import { recordingLogger } from '../testing/recording-logger.js';
import { createJobTakenMark } from './job-taken-mark.js';
import type { JobOffer } from './call-load.js';

const offer = (job: JobOffer['job']): JobOffer => ({
  id: 'AJ_1',
  ...(job === undefined ? {} : { job }),
  accept: async () => undefined,
  reject: async () => undefined,
});

describe("the worker's mark on a call it took", () => {
  it("writes the job's dispatch into its room's metadata", async () => {
    const set: [string, string][] = [];
    const mark = createJobTakenMark({
      setRoomMetadata: async (room, metadata) => void set.push([room, metadata]),
      logger: recordingLogger().logger,
    });
    mark(offer({ dispatchId: 'AD_1', room: { name: 'call-_x_1' } }));
    await Promise.resolve();
    expect(set.map(([room, metadata]) => [room, takenDispatchOf(metadata)])).toEqual([
      ['call-_x_1', 'AD_1'],
    ]);
  });

  it('marks nothing without a room or a dispatch, and a failed mark is a warning only', async () => {
    const { logger, lines } = recordingLogger();
    const set: string[] = [];
    const mark = createJobTakenMark({
      setRoomMetadata: async (room) => {
        set.push(room);
        throw new Error('livekit-server unreachable');
      },
      logger,
    });
    mark(offer(undefined));
    mark(offer({ dispatchId: 'AD_1' }));
    mark(offer({ room: { name: 'call-_x_1' } }));
    expect(set).toEqual([]);
    mark(offer({ dispatchId: 'AD_1', room: { name: 'call-_x_1' } }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warn .*could not mark the room as taken/);
  });
});

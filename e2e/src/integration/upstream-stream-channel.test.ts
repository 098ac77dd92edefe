// Why vitest.config.ts ignores unhandled rejections whose reason is `undefined`: the framework's
// stream channel, once its reader is cancelled (an interrupted or closed speech), rejects every
// later write with `undefined`, and the Realtime plugin does not handle those writes. When this
// test fails, upstream has fixed it (livekit/agents-js#2362): drop the filter and this test.
import { stream } from '@livekit/agents';
import { expect, it } from 'vitest';

it('rejects writes to a cancelled stream channel with undefined (upstream bug, filtered)', async () => {
  const channel = stream.createStreamChannel<number>();
  await channel.stream().getReader().cancel();
  const outcome = await channel.write(1).then(
    () => ({ rejected: false as const }),
    (reason: unknown) => ({ rejected: true as const, reason }),
  );
  expect(outcome).toEqual({ rejected: true, reason: undefined });
});

import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURE_FILES, silentLogger, writeFixtureStore } from '../testing/fixture-store.js';
import { createLiveStore, type LiveStore } from './live-store.js';

const NEW_ORDER = 'O9006,C5001,P1000,1,2026-11-20,Processing,Paid,Pending,,,\n';

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('createLiveStore', () => {
  let live: LiveStore | undefined;
  afterEach(() => live?.close());

  it('refuses to start on invalid data', async () => {
    const dir = writeFixtureStore({ 'orders.csv': 'order_id\nO1\n' });
    await expect(
      createLiveStore({ dir, defaultCountry: 'US', logger: silentLogger }),
    ).rejects.toThrow(/orders\.csv:1/);
  });

  it('swaps in new data on reload', async () => {
    const dir = writeFixtureStore();
    live = await createLiveStore({ dir, defaultCountry: 'US', logger: silentLogger });
    const before = live.current();
    writeFileSync(join(dir, 'orders.csv'), FIXTURE_FILES['orders.csv'] + NEW_ORDER);
    expect(await live.reload()).toEqual({ ok: true });
    expect(live.current().orders.has('O9006')).toBe(true);
    // The old snapshot is untouched: a request that started on it finishes consistently.
    expect(before.orders.has('O9006')).toBe(false);
  });

  it('keeps serving the last good data when a file is replaced by a broken one', async () => {
    const dir = writeFixtureStore();
    live = await createLiveStore({ dir, defaultCountry: 'US', logger: silentLogger });
    writeFileSync(
      join(dir, 'orders.csv'),
      `${FIXTURE_FILES['orders.csv']}O9007,C5000,P1000,many,2026-11-20,Processing,,,,,\n`,
    );
    const result = await live.reload();
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message).toBe(
      'orders.csv:8:4: quantity: expected a whole number from 1 to 99999',
    );
    expect(live.current().orders.get('O9002')?.order_status).toBe('Shipped');
    expect(live.current().orders.has('O9007')).toBe(false);
  });

  it('reloads by itself when a file changes on disk, also when an editor renames a new file in', async () => {
    const dir = writeFixtureStore();
    live = await createLiveStore({
      dir,
      defaultCountry: 'US',
      logger: silentLogger,
      watch: true,
      debounceMs: 50,
    });
    const store = live;
    const temporary = join(dir, 'orders.csv.tmp');
    writeFileSync(temporary, FIXTURE_FILES['orders.csv'] + NEW_ORDER);
    renameSync(temporary, join(dir, 'orders.csv'));
    await until(() => store.current().orders.has('O9006'));

    writeFileSync(join(dir, 'orders.csv'), 'not,a,valid,header\n');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(store.current().orders.has('O9006')).toBe(true);
  });
});

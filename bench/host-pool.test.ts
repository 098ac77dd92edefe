import { describe, expect, it } from 'vitest';
import { createHostPool, type PooledHost } from './host-pool.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface FakeHost extends PooledHost {
  removed: boolean;
}

/**
 * A host launched after `launchMs` and up `upMs` later; removed before it is up, its start fails
 * at once, as a worker host's does when its runner exits.
 */
function fakeHost(name: string, launchMs: number, upMs: number) {
  let exited: () => void = () => undefined;
  const exit = new Promise<'exited'>((resolve) => (exited = () => resolve('exited')));
  const host: FakeHost = {
    name,
    removed: false,
    remove: async () => {
      host.removed = true;
      exited();
    },
  };
  const start = async (keep: (host: FakeHost) => void) => {
    await sleep(launchMs);
    keep(host);
    if ((await Promise.race([sleep(upMs), exit])) === 'exited') throw new Error(`${name} exited`);
    return host;
  };
  return { host, start };
}

describe('the benchmark host pool', () => {
  it('removes the hosts it kept, up or still starting', async () => {
    const pool = createHostPool<FakeHost>(() => undefined);
    const up = fakeHost('up', 0, 0);
    const starting = fakeHost('starting', 0, 10_000);
    await pool.launch(up.start);
    void pool.launch(starting.start).catch(() => undefined);
    await sleep(5);
    await pool.removeAll();
    expect([up.host.removed, starting.host.removed]).toEqual([true, true]);
  });

  it('removes a host that a start under way launches after stop was called', async () => {
    const pool = createHostPool<FakeHost>(() => undefined);
    const late = fakeHost('late', 50, 10_000);
    const started = pool.launch(late.start);
    await pool.stop();
    expect(late.host.removed).toBe(true);
    await expect(started).rejects.toThrow('late exited');
  });

  it('launches nothing once stopping', async () => {
    const pool = createHostPool<FakeHost>(() => undefined);
    await pool.stop();
    let called = false;
    await expect(
      pool.launch(async () => {
        called = true;
        throw new Error('unreachable');
      }),
    ).rejects.toThrow('stopping');
    expect(called).toBe(false);
    expect(pool.stopping).toBe(true);
  });

  it('reports a host it could not remove and removes the others', async () => {
    const errors: string[] = [];
    const pool = createHostPool<PooledHost>((host, error) =>
      errors.push(`${host.name}: ${error.message}`),
    );
    const stuck: PooledHost = { name: 'stuck', remove: () => Promise.reject(new Error('busy')) };
    const other = fakeHost('other', 0, 0);
    await pool.launch(async (keep) => (keep(stuck), stuck));
    await pool.launch(other.start);
    await pool.stop();
    expect(errors).toEqual(['stuck: busy']);
    expect(other.host.removed).toBe(true);
  });
});

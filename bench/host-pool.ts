// The worker hosts a benchmark runs, so that none outlives it: a host is kept from the moment it is
// launched (before it is up), and stopping removes every kept host, waits for starts still under
// way, and removes what they launched meanwhile. Without that, Ctrl-C between two passes killed
// the first pass's hosts while the next pass launched new ones, which then ran on, orphaned.

/** What the pool needs of a host. */
export interface PooledHost {
  readonly name: string;
  remove(): Promise<void>;
}

export interface HostPool<H extends PooledHost> {
  /** Whether `stop` was called: no host is launched from then on. */
  readonly stopping: boolean;
  /**
   * Starts a host: `start` gets `keep`, to call with the host as soon as it is launched (a
   * worker host's `onLaunch`). Rejects at once once the pool is stopping.
   */
  launch(start: (keep: (host: H) => void) => Promise<H>): Promise<H>;
  /** Removes every kept host (a pass's end). */
  removeAll(): Promise<void>;
  /** Stops launching, removes every host, and those a start under way launches after. */
  stop(): Promise<void>;
}

export function createHostPool<H extends PooledHost>(
  onRemoveError: (host: H, error: Error) => void,
): HostPool<H> {
  const kept = new Set<H>();
  const starts = new Set<Promise<H>>();
  let stopping = false;

  const removeAll = async () => {
    await Promise.all(
      [...kept].map(async (host) => {
        kept.delete(host);
        await host.remove().catch((error: Error) => onRemoveError(host, error));
      }),
    );
  };

  return {
    get stopping() {
      return stopping;
    },
    launch(start) {
      if (stopping) return Promise.reject(new Error('the benchmark is stopping'));
      const started = start((host) => {
        kept.add(host);
        if (stopping) void removeAll();
      });
      starts.add(started);
      const settled = () => starts.delete(started);
      started.then(settled, settled);
      return started;
    },
    removeAll,
    async stop() {
      stopping = true;
      await removeAll();
      // A start under way may launch its host after the removal above: that host is removed as it
      // is kept, and its start then fails.
      await Promise.allSettled([...starts]);
      await removeAll();
    },
  };
}

import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from 'pino';
import { StoreLoadError } from './errors.js';
import { loadStore, type LoadOptions, type StoreWarning } from './load.js';
import type { Store } from './store.js';

export interface LiveStore {
  /** The last snapshot that loaded cleanly. */
  current(): Store;
  /** Loads the files again; keeps the current snapshot when they do not validate. */
  reload(): Promise<{ ok: true } | { ok: false; error: StoreLoadError }>;
  close(): void;
}

export interface LiveStoreOptions extends Pick<LoadOptions, 'defaultCountry'> {
  dir: string;
  logger: Logger;
  /** Reload when a file in the directory changes (editors write in bursts: wait for quiet). */
  watch?: boolean;
  debounceMs?: number;
}

const MAX_WARNINGS_LOGGED = 5;

/** Loads the store once (throwing when the data is invalid), then serves and hot-swaps it. */
export async function createLiveStore(options: LiveStoreOptions): Promise<LiveStore> {
  const { dir, logger, defaultCountry, debounceMs = 250 } = options;

  const load = async (): Promise<Store> => {
    const warnings: StoreWarning[] = [];
    const started = performance.now();
    const store = await loadStore(dir, {
      defaultCountry,
      onWarning: (warning) => warnings.push(warning),
    });
    if (warnings.length > 0) {
      logger.warn(
        { count: warnings.length, first: warnings.slice(0, MAX_WARNINGS_LOGGED) },
        'store data has warnings',
      );
    }
    logger.info(
      {
        customers: store.customers.size,
        products: store.products.size,
        orders: store.orders.size,
        deliveries: store.deliveries.size,
        loadMs: Math.round(performance.now() - started),
      },
      'store loaded',
    );
    return store;
  };

  let store = await load();
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  type ReloadResult = { ok: true } | { ok: false; error: StoreLoadError };

  const reloadOnce = async (): Promise<ReloadResult> => {
    try {
      // The swap is one assignment: a request sees the old snapshot or the new one, never a mix.
      store = await load();
      return { ok: true };
    } catch (error) {
      const loadError =
        error instanceof StoreLoadError
          ? error
          : new StoreLoadError('(store)', undefined, undefined, String(error));
      logger.error(
        {
          file: loadError.file,
          line: loadError.line,
          column: loadError.column,
          detail: loadError.detail,
        },
        'store reload failed; still serving the last good data',
      );
      return { ok: false, error: loadError };
    }
  };
  // Loads run one after another, never two at once.
  let queue: Promise<ReloadResult> = Promise.resolve({ ok: true });
  const reload = (): Promise<ReloadResult> => (queue = queue.then(reloadOnce));

  if (options.watch) {
    watcher = watch(dir, { persistent: false }, (_event, fileName) => {
      if (fileName !== null && !/\.(csv|ya?ml)$/i.test(fileName)) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        logger.info({ file: fileName }, 'store file changed; reloading');
        void reload();
      }, debounceMs);
    });
    watcher.on('error', (error) =>
      logger.error({ err: error }, 'store watcher failed; hot reload is off'),
    );
  }

  return {
    current: () => store,
    reload,
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}

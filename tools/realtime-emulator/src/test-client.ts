// A minimal raw WebSocket client for protocol-level tests of the emulator (and of anything else
// speaking the OpenAI Realtime protocol).
import { WebSocket } from 'ws';

export type ServerEvent = Record<string, unknown> & { type: string };

export interface RawClientOptions {
  model?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

export class RawRealtimeClient {
  readonly received: ServerEvent[] = [];
  readonly closed: Promise<{ code: number }>;
  #cursor = 0;
  #waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.received.push(JSON.parse(String(data)) as ServerEvent);
      for (const w of [...this.#waiters]) w();
    });
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve({ code })));
  }

  /** Opens `${baseUrl}/realtime?model=...` like the OpenAI plugin does. */
  static connect(baseUrl: string, options: RawClientOptions = {}): Promise<RawRealtimeClient> {
    const url = new URL(`${baseUrl.replace(/^http/, 'ws')}/realtime`);
    url.searchParams.set('model', options.model ?? 'gpt-realtime');
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    const ws = new WebSocket(url, {
      headers: options.headers ?? { Authorization: 'Bearer test-key' },
    });
    const client = new RawRealtimeClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`unexpected response ${res.statusCode}`)),
      );
      ws.once('error', reject);
    });
  }

  send(event: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(event));
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  /**
   * Resolves with the first event after the cursor that matches (a type or a predicate) and moves
   * the cursor past it, so successive calls assert an order.
   */
  next(match: string | ((e: ServerEvent) => boolean), timeoutMs = 3000): Promise<ServerEvent> {
    const pred = typeof match === 'string' ? (e: ServerEvent) => e.type === match : match;
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        for (let i = this.#cursor; i < this.received.length; i++) {
          const e = this.received[i];
          if (e && pred(e)) {
            this.#cursor = i + 1;
            resolve(e);
            return true;
          }
        }
        return false;
      };
      if (check()) return;
      const waiter = (): void => {
        if (check()) {
          this.#waiters.delete(waiter);
          clearTimeout(timer);
        }
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        const seen = this.received.slice(this.#cursor).map((e) => e.type);
        reject(
          new Error(
            `no ${String(match)} within ${timeoutMs} ms; saw after cursor: ${seen.join(', ')}`,
          ),
        );
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /** Event types received since the given index. */
  typesSince(index = 0): string[] {
    return this.received.slice(index).map((e) => e.type);
  }

  close(): void {
    this.ws.close();
  }
}

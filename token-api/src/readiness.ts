import { RoomServiceClient } from 'livekit-server-sdk';

export type Readiness = { ready: true } | { ready: false; reason: string };

/** Whether the service can do its job right now; injected so tests can fake LiveKit. */
export type ReadinessCheck = () => Promise<Readiness>;

export interface LiveKitReadinessOptions {
  /** The server API address (ws:// URLs are turned into http:// by the SDK). */
  url: string;
  apiKey: string;
  apiSecret: string;
  timeoutMs?: number;
}

/** Why a check failed, without the URL or anything the error might have echoed. */
function reasonFor(error: unknown, timeoutMs: number): string {
  const { name, status, cause } = error as { name?: string; status?: number; cause?: unknown };
  if (name === 'TimeoutError' || name === 'AbortError')
    return `LiveKit did not answer within ${timeoutMs} ms`;
  if (status === 401 || status === 403)
    return `LiveKit refused the API key and secret (HTTP ${status})`;
  if (typeof status === 'number') return `LiveKit answered HTTP ${status}`;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return `LiveKit is unreachable (${code})`;
  return 'LiveKit is unreachable';
}

/**
 * Ready when LiveKit answers an authenticated server API call (ListRooms for one name, so the
 * answer stays small) within the timeout. Concurrent probes share one call.
 */
export function createLiveKitReadiness(options: LiveKitReadinessOptions): ReadinessCheck {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const client = new RoomServiceClient(options.url, options.apiKey, options.apiSecret, {
    requestTimeout: timeoutMs / 1000,
    failover: false,
  });
  let inFlight: Promise<Readiness> | undefined;
  const probe = async (): Promise<Readiness> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(Object.assign(new Error('timeout'), { name: 'TimeoutError' })),
        timeoutMs,
      );
    });
    try {
      await Promise.race([client.listRooms(['token-api-readiness']), timeout]);
      return { ready: true };
    } catch (error) {
      return { ready: false, reason: reasonFor(error, timeoutMs) };
    } finally {
      clearTimeout(timer);
    }
  };
  return () => {
    inFlight ??= probe().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}

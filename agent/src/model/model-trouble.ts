// What can go wrong inside a Realtime response that the framework does not answer with speech:
// a failed or incomplete response, a server_error, a refused response.create, a connection that
// dropped (or expired) mid-answer, rate limits running out. The plugin only logs most of these
// (or emits a recoverable error and moves on), which leaves the caller in silence; this module
// reads the plugin's raw server events and reports them so call/model-recovery.ts can speak.
import type * as openai from '@livekit/agents-plugin-openai';
import { watchServerEvents, type RealtimeServerEvent } from './server-events.js';

export type ModelTrouble =
  | { kind: 'response_failed'; detail: string }
  | { kind: 'response_incomplete'; reason: string }
  | { kind: 'server_error'; detail: string }
  | { kind: 'busy' }
  | { kind: 'session_expired' }
  | { kind: 'dropped_mid_response' }
  | { kind: 'rate_limited'; remaining: Record<string, number> };

export interface ModelTroubleHandler {
  onTrouble(trouble: ModelTrouble): void;
  /** A response completed with output: the model is healthy again. */
  onCompleted(): void;
}

/** Below this many remaining requests or tokens the next responses may be refused. */
export const RATE_LIMIT_LOW = { requests: 2, tokens: 1000 } as const;

/** One server event → the trouble it reports, or null. Pure: unit-tested on its own. */
export function classifyServerEvent(event: RealtimeServerEvent): ModelTrouble | null {
  if (event.type === 'response.done') {
    const response = event.response as
      | {
          status?: string;
          status_details?: { reason?: string; error?: { type?: string; code?: string } };
        }
      | undefined;
    const details = response?.status_details;
    if (response?.status === 'failed') {
      return {
        kind: 'response_failed',
        detail: details?.error?.code ?? details?.error?.type ?? 'unknown',
      };
    }
    if (response?.status === 'incomplete') {
      return { kind: 'response_incomplete', reason: details?.reason ?? 'unknown' };
    }
    return null;
  }
  if (event.type === 'error') {
    const error = event.error as
      { type?: string; code?: string | null; message?: string } | undefined;
    if (error?.code === 'conversation_already_has_active_response') return { kind: 'busy' };
    if (error?.code === 'session_expired') return { kind: 'session_expired' };
    if (error?.type === 'server_error') {
      return { kind: 'server_error', detail: error.message ?? 'server_error' };
    }
    return null;
  }
  if (event.type === 'rate_limits.updated') {
    const limits = (event.rate_limits ?? []) as Array<{ name?: string; remaining?: number }>;
    const remaining: Record<string, number> = {};
    let low = false;
    for (const limit of limits) {
      if (limit.name === undefined || limit.remaining === undefined) continue;
      remaining[limit.name] = limit.remaining;
      const floor = RATE_LIMIT_LOW[limit.name as keyof typeof RATE_LIMIT_LOW];
      if (floor !== undefined && limit.remaining < floor) low = true;
    }
    return low ? { kind: 'rate_limited', remaining } : null;
  }
  return null;
}

/**
 * Watches every session the model opens (one per agent activity). A response that was still in
 * flight when the plugin had to reconnect (a dropped socket, `session_expired`) never finishes:
 * the reconnect is reported as `dropped_mid_response`.
 */
export function watchModelTrouble(
  model: openai.realtime.RealtimeModel,
  handler: ModelTroubleHandler,
): void {
  watchServerEvents(model, () => {
    let inFlight = false;
    return {
      event(event) {
        if (event.type === 'response.created') inFlight = true;
        if (event.type === 'response.done') {
          inFlight = false;
          const response = event.response as { status?: string; output?: unknown[] } | undefined;
          if (response?.status === 'completed' && (response.output?.length ?? 0) > 0) {
            handler.onCompleted();
          }
        }
        const trouble = classifyServerEvent(event);
        if (trouble) handler.onTrouble(trouble);
      },
      reconnected() {
        if (!inFlight) return;
        inFlight = false;
        handler.onTrouble({ kind: 'dropped_mid_response' });
      },
    };
  });
}

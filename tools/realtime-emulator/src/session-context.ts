// What every part of one emulated session shares: the outgoing event channel, the live config and
// scenario, and the logger. The parts get this instead of the socket so each can be tested alone.
import type { Logger } from 'pino';
import type { RealtimeErrorBody } from './errors.js';
import type { Jitter } from './profile.js';
import type { Dialect, SessionConfig } from './protocol.js';
import type { Scenario } from './scenario.js';
import type { ServerEventBody } from './wire-types.js';

export type Json = Record<string, unknown>;

export interface SessionContext {
  readonly log: Logger;
  readonly dialect: Dialect;
  /** The current config: `session.update` replaces the object, so read it on every use. */
  config(): SessionConfig;
  /** The current scenario: `setScenario` swaps it for the next decision. */
  scenario(): Scenario;
  /**
   * Sends a GA server event (typed as the `openai` package's `RealtimeServerEvent`; an `event_id`
   * is added, and beta connections get the beta form) and records it.
   */
  send(event: ServerEventBody): void;
  sendError(error: RealtimeErrorBody): void;
  /** The session's seeded draws of the timing profile (ideal: all zero). */
  readonly jitter: Jitter;
  /** Records a client behaviour the real service would punish or that loses data (see records.ts). */
  flag(violation: { kind: ViolationKind; itemId: string | null; detail: string }): void;
  /** Ends the connection from the server side (fault actions): TCP drop or `session_expired`. */
  endConnection(how: 'drop' | 'session_expired'): void;
}

export type ViolationKind = 'deleted_item_with_pending_transcript';

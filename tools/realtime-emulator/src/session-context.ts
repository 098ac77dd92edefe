// What every part of one emulated session shares: the outgoing event channel, the live config and
// scenario, and the logger. The parts get this instead of the socket so each can be tested alone.
import type { Logger } from 'pino';
import type { Dialect, EventNames, RealtimeErrorBody, SessionConfig } from './protocol.js';
import type { Scenario } from './scenario.js';

export type Json = Record<string, unknown>;

export interface SessionContext {
  readonly log: Logger;
  readonly dialect: Dialect;
  /** Server event names of the connection's dialect. */
  readonly names: EventNames;
  /** The current config: `session.update` replaces the object, so read it on every use. */
  config(): SessionConfig;
  /** The current scenario: `setScenario` swaps it for the next decision. */
  scenario(): Scenario;
  /** Sends a server event (an `event_id` is added) and records it. */
  send(event: Json): void;
  sendError(error: RealtimeErrorBody): void;
}

import { log, type voice } from '@livekit/agents';
import type { LocalParticipant } from '@livekit/rtc-node';
import { redactEmails, redactPhoneNumbers } from './redact.js';
import type { CallLogger } from './types.js';

// The room data topic and its versioned message types are the contracts package's (the web tester
// reads the same ones); README.md in this folder documents them.
import {
  AGENT_EVENTS_TOPIC,
  AGENT_EVENTS_VERSION,
  type AgentEvent,
  type AgentStateEvent,
  type AgentStateName,
  type CallEndedEvent,
  type LatencyEvent,
  type ToolCallEvent as ToolCallMessage,
} from '@ecommerce-voicebot/contracts';

export { AGENT_EVENTS_TOPIC, AGENT_EVENTS_VERSION };
export type { ToolCallMessage };
export type AgentStateMessage = AgentStateEvent;
export type LatencyMessage = LatencyEvent;
export type CallEndedMessage = CallEndedEvent;
export type AgentEventMessage = AgentEvent;

// Every state the framework can report must be one the contract (and so the tester) knows.
type FrameworkStatesAreInTheContract = voice.AgentState extends AgentStateName ? true : never;
const frameworkStatesAreInTheContract: FrameworkStatesAreInTheContract = true;
void frameworkStatesAreInTheContract;

/**
 * Reliable data packets above about 15 KiB are refused by LiveKit; a `tool_call` message above
 * this size carries a truncated `result` instead (and `truncated: true`).
 */
export const MAX_AGENT_EVENT_BYTES = 14_000;

/** Where the call observer sends its live events. */
export interface AgentEventPublisher {
  /** Queues a message; never throws (failures are logged). */
  publish(message: AgentEventMessage): void;
  /** Resolves once every queued message was handed to the room (or failed). */
  flush(): Promise<void>;
}

/** The part of rtc-node's `LocalParticipant` the publisher uses. */
export type DataPublishingParticipant = Pick<LocalParticipant, 'publishData'>;

export interface RoomPublisherOptions {
  /** Defaults to the agents framework's logger (`log()` from `@livekit/agents`). */
  logger?: CallLogger;
  /** Defaults to {@link AGENT_EVENTS_TOPIC}. */
  topic?: string;
  /** Defaults to {@link MAX_AGENT_EVENT_BYTES}. */
  maxBytes?: number;
}

const encoder = new TextEncoder();

/**
 * Encodes a message as UTF-8 JSON, cutting a `tool_call`'s result (then its arguments) when the
 * whole would not fit in `maxBytes`.
 */
export function encodeAgentEvent(
  message: AgentEventMessage,
  maxBytes = MAX_AGENT_EVENT_BYTES,
): Uint8Array {
  const bytes = encoder.encode(JSON.stringify(message));
  if (bytes.byteLength <= maxBytes || message.type !== 'tool_call') return bytes;

  const { result, ...rest } = message;
  const withoutResult = encoder.encode(JSON.stringify({ ...rest, result: '', truncated: true }));
  const room = maxBytes - withoutResult.byteLength;
  if (room > 0) {
    const json = JSON.stringify(result) ?? '';
    // Cut by characters, then back off until the escaped, encoded form fits.
    let cut = Math.min(json.length, room);
    for (;;) {
      const candidate = encoder.encode(
        JSON.stringify({ ...rest, result: json.slice(0, cut), truncated: true }),
      );
      if (candidate.byteLength <= maxBytes) return candidate;
      if (cut === 0) break;
      cut = Math.floor(cut * 0.8);
    }
  }
  return encoder.encode(JSON.stringify({ ...rest, args: null, result: null, truncated: true }));
}

/** The framework's logger, looked up when needed (it exists once `initializeLogger` ran). */
const frameworkLogger: CallLogger = {
  debug: (obj, msg) => frameworkLog()?.debug(obj, msg),
  warn: (obj, msg) => frameworkLog()?.warn(obj, msg),
  error: (obj, msg) => frameworkLog()?.error(obj, msg),
};

function frameworkLog(): ReturnType<typeof log> | undefined {
  try {
    return log();
  } catch {
    return undefined;
  }
}

/** Phone numbers and email addresses never reach the tester, whoever built the message. */
function redactToolCall(message: AgentEventMessage): AgentEventMessage {
  if (message.type !== 'tool_call') return message;
  const redact = (value: unknown): unknown => redactEmails(redactPhoneNumbers(value));
  return {
    ...message,
    args: redact(message.args),
    ...('result' in message ? { result: redact(message.result) } : {}),
    ...(message.error !== undefined ? { error: redact(message.error) as string } : {}),
  };
}

/**
 * Publishes agent events on the room's data channel: reliable, on the `agent.events` topic, in
 * order (one send at a time). Phone numbers in tool calls are masked and email addresses replaced.
 * Failures are logged, never thrown into the call.
 */
export function createRoomPublisher(
  localParticipant: DataPublishingParticipant,
  options: RoomPublisherOptions = {},
): AgentEventPublisher {
  const logger = options.logger ?? frameworkLogger;
  const topic = options.topic ?? AGENT_EVENTS_TOPIC;
  const maxBytes = options.maxBytes ?? MAX_AGENT_EVENT_BYTES;
  let queue: Promise<void> = Promise.resolve();
  let failures = 0;

  return {
    publish(message) {
      queue = queue.then(async () => {
        try {
          const data = encodeAgentEvent(redactToolCall(message), maxBytes);
          await localParticipant.publishData(data, { reliable: true, topic });
        } catch (error) {
          failures += 1;
          // Once the room is gone every send fails: say so once, then only at debug level.
          const fields = {
            topic,
            type: message.type,
            failures,
            err: error instanceof Error ? error.message : String(error),
          };
          if (failures === 1) logger.warn(fields, 'agent event publish failed');
          else logger.debug(fields, 'agent event publish failed');
        }
      });
    },
    flush() {
      return queue;
    },
  };
}

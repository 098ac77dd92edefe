/**
 * Call events → live messages on the room's `agent.events` data topic (data-topic.ts sends them;
 * README.md in this folder is the contract). The web tester gets state, tools, latency and the
 * end of the call; the transcript and error messages stay in the call record. QA sees that an
 * email was given (`[email]`), never which: `verify_customer`'s email is the caller's secret.
 */
import type { QueueEvent, QueueWait } from '@ecommerce-voicebot/contracts';
import { defined, type CallEvent, type CallEventSink } from './call-event.js';
import {
  AGENT_EVENTS_VERSION,
  type AgentEventMessage,
  type AgentEventPublisher,
  type LatencyMessage,
  type ToolCallMessage,
} from './data-topic.js';
import { redactEmailText, redactEmails } from './redact.js';
import type { CallLogger } from './types.js';

/** The data-topic message for one event, or undefined when the tester is not sent it. */
export function toAgentEventMessage(event: CallEvent): AgentEventMessage | undefined {
  const v = AGENT_EVENTS_VERSION;
  switch (event.type) {
    case 'agent_state':
      return { type: 'agent_state', v, at: event.at, state: event.state };
    case 'tool_call':
      return defined<ToolCallMessage>({
        type: 'tool_call',
        v,
        at: event.at,
        callId: event.callId,
        name: event.name,
        args: redactEmails(event.args),
        status: event.status,
        durationMs: event.durationMs,
        result: event.result !== undefined ? redactEmails(event.result) : undefined,
        error: event.error !== undefined ? redactEmailText(event.error) : undefined,
      });
    case 'latency':
      return defined<LatencyMessage>({
        type: 'latency',
        v,
        at: event.at,
        turn: event.turn,
        eouDelayMs: event.eouDelayMs,
        endOfSpeechToFirstAudioMs: event.endOfSpeechToFirstAudioMs,
        ttftMs: event.ttftMs,
        toolMs: event.toolMs,
      });
    case 'call_ended':
      return { type: 'call_ended', v, at: event.at, reason: event.reason };
    case 'turn':
    case 'transcript':
    case 'error':
      return undefined;
  }
}

/**
 * Told once, at call start, to a caller who came from the switchboard's call queue: the tester's
 * page turns its "in queue" line into how long they waited (the switchboard told the waits before).
 */
export function queueConnectedMessage(wait: QueueWait, at: number): QueueEvent {
  return {
    type: 'queue',
    v: AGENT_EVENTS_VERSION,
    at,
    state: 'connected',
    position: wait.position,
    waitedMs: wait.waitedMs,
  };
}

export interface DataTopicSinkOptions {
  publisher: AgentEventPublisher;
  callId: string;
  logger: CallLogger;
  /** How long `close()` waits for queued messages to be sent. */
  flushTimeoutMs: number;
}

/** Publishes each event's message; `close()` waits (boundedly) for the queue to drain. */
export function createDataTopicSink(options: DataTopicSinkOptions): CallEventSink {
  const { publisher, callId, logger, flushTimeoutMs } = options;
  return {
    handle(event) {
      const message = toAgentEventMessage(event);
      if (message === undefined) return;
      try {
        publisher.publish(message);
      } catch (error) {
        logger.warn(
          { callId, type: message.type, err: String(error) },
          'agent event publish failed',
        );
      }
    },
    close: () => flushWithin(publisher, flushTimeoutMs, logger, callId),
  };
}

/** A room that is gone never confirms its sends: the end of a call must not wait for it. */
async function flushWithin(
  publisher: AgentEventPublisher,
  timeoutMs: number,
  logger: CallLogger,
  callId: string,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
    timer.unref();
  });
  try {
    const outcome = await Promise.race([
      publisher.flush().then(() => 'flushed' as const),
      timedOut,
    ]);
    if (outcome === 'timeout') {
      logger.warn({ callId, timeoutMs }, 'agent events not all sent before the call ended');
    }
  } catch (error) {
    logger.warn({ callId, err: String(error) }, 'agent events flush failed');
  } finally {
    clearTimeout(timer);
  }
}

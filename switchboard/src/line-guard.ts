// Applies the line's limits to what livekit-server reports: a call over a limit is hung up (its
// SIP participant removed, so the bridge ends the call and the agent's job ends with it) before it
// costs a model session; a call that ends frees its place.
//
// When to hang up: livekit-sip (v1.8.0) joins the room before it has published the caller's
// audio, and a participant removed in that window leaves the INVITE without a final response (the
// caller rings until it gives up). Once the caller's track is published the bridge is waiting for
// a listener and answers a removal with a final response (or a BYE if the agent already answered).
// So a refused call is hung up when its audio is published, or after REFUSAL_FALLBACK_MS anyway.
//
// A QA tester's session (call-events.ts) has no bridge in the way: it waits for an agent from the
// moment it joins (its microphone may come later, or never), and one over the line's limit is
// removed at once.
import type { Logger } from 'pino';
import type { WebhookEvent } from 'livekit-server-sdk';
import type { AgentPresence } from './agent-presence.js';
import type { AgentWatch } from './agent-watch.js';
import { lineEventOf } from './call-events.js';
import type { CallLimits } from './call-limits.js';
import type { LineQueue } from './line-queue.js';

export const REFUSAL_FALLBACK_MS = 3_000;

export interface LineGuardDeps {
  limits: CallLimits;
  /** Hangs up a caller (RoomServiceClient.removeParticipant in production). */
  hangUp: (room: string, identity: string) => Promise<void>;
  callerKey: (number: string) => string;
  logger: Logger;
  /** Told about admitted callers waiting for an agent (queue or line down when none comes). */
  agentWatch?: AgentWatch;
  /** The agents in calls now. */
  presence?: AgentPresence;
  /** Told when agents join and free up, and when queued callers leave. */
  queue?: LineQueue;
  /** Timers, injectable for tests. */
  setTimer?: (callback: () => void, ms: number) => void;
}

export interface LineGuard {
  handle(event: WebhookEvent): Promise<void>;
}

export function createLineGuard(deps: LineGuardDeps): LineGuard {
  const { limits, logger } = deps;
  const setTimer = deps.setTimer ?? ((callback, ms) => void setTimeout(callback, ms).unref());
  /** Refused callers not hung up yet, by `room/identity`. */
  const refused = new Map<string, { room: string; identity: string }>();
  /** Callers whose audio the bridge has published (webhooks may come in either order). */
  const withAudio = new Set<string>();
  /** Admitted testers' sessions, by `room/identity`: their wait starts at the join, not here. */
  const testers = new Set<string>();
  const keyOf = (room: string, identity: string) => `${room}/${identity}`;

  const hangUp = async (key: string) => {
    const caller = refused.get(key);
    if (caller === undefined) return;
    refused.delete(key);
    try {
      await deps.hangUp(caller.room, caller.identity);
    } catch (error) {
      logger.error(
        { room: caller.room, err: { message: (error as Error).message } },
        'could not hang up a refused call',
      );
    }
  };

  const admitTester = async (room: string, identity: string) => {
    const verdict = limits.admit({
      room,
      identity,
      trunkId: '',
      callerKey: undefined,
      kind: 'tester',
    });
    const fields = { room, lineCalls: verdict.lineCalls };
    if (verdict.admitted) {
      logger.info(fields, 'tester session admitted');
      testers.add(keyOf(room, identity));
      deps.agentWatch?.callerWaiting(room, identity);
      return;
    }
    logger.warn({ ...fields, reason: verdict.reason }, 'tester session refused: the line is full');
    refused.set(keyOf(room, identity), { room, identity });
    await hangUp(keyOf(room, identity));
  };

  return {
    async handle(event) {
      const line = lineEventOf(event, deps.callerKey);
      if (line === undefined) return;
      const { agentWatch: watch, presence, queue } = deps;
      switch (line.type) {
        case 'agent_joined':
          presence?.joined(line.room, line.identity);
          queue?.agentJoined(line.room);
          return watch?.agentJoined(line.room);
        case 'left':
          // An agent (its worker has room again), a caller, or someone else: each part checks.
          // A caller who hangs up on an agent frees that agent's worker too: the queue asks at
          // once, and the worker takes the call as its agent closes (it has said the caller left).
          if (presence?.left(line.room, line.identity)) queue?.agentFreed();
          else if (limits.isOpen(line.room, line.identity) && presence?.has(line.room))
            queue?.agentFreed();
          queue?.callerLeft(line.room, line.identity);
          watch?.callerLeft(line.room, line.identity);
          withAudio.delete(keyOf(line.room, line.identity));
          refused.delete(keyOf(line.room, line.identity));
          testers.delete(keyOf(line.room, line.identity));
          return limits.end(line.room, line.identity);
        case 'room_closed':
          if ((presence?.roomClosed(line.room) ?? 0) > 0) queue?.agentFreed();
          queue?.roomClosed(line.room);
          watch?.roomClosed(line.room);
          for (const key of [...withAudio, ...refused.keys(), ...testers])
            if (key.startsWith(`${line.room}/`)) {
              withAudio.delete(key);
              refused.delete(key);
              testers.delete(key);
            }
          return limits.end(line.room);
        case 'caller_audio': {
          const key = keyOf(line.room, line.identity);
          if (testers.has(key)) return;
          withAudio.add(key);
          if (refused.has(key)) return hangUp(key);
          // Admitted (or not yet decided: the join's webhook may come second).
          if (limits.isOpen(line.room, line.identity))
            watch?.callerWaiting(line.room, line.identity);
          return;
        }
        case 'call_started': {
          const { call } = line;
          if (call.kind === 'tester') return admitTester(call.room, call.identity);
          const verdict = limits.admit(call);
          const fields = {
            room: call.room,
            trunkId: call.trunkId,
            callerKey: call.callerKey ?? 'anonymous',
            lineCalls: verdict.lineCalls,
          };
          if (verdict.admitted) {
            logger.info(fields, 'call admitted');
            if (withAudio.has(keyOf(call.room, call.identity)))
              watch?.callerWaiting(call.room, call.identity);
            return;
          }
          logger.warn({ ...fields, reason: verdict.reason }, 'call refused: over the line limits');
          const key = keyOf(call.room, call.identity);
          refused.set(key, { room: call.room, identity: call.identity });
          if (withAudio.has(key)) return hangUp(key);
          setTimer(() => void hangUp(key), REFUSAL_FALLBACK_MS);
          return;
        }
      }
    },
  };
}

// One phone call (or browser test session): everything the agent does between the caller joining
// the room and the room closing.
import type { llm } from '@livekit/agents';
import { type JobContext, voice } from '@livekit/agents';
import { ParticipantKind, RoomEvent, type RemoteParticipant, type Room } from '@livekit/rtc-node';
import {
  isTakeover,
  queueWaitAt,
  queueWaitOf,
  SWITCHBOARD_IDENTITY_PREFIX,
} from '@ecommerce-voicebot/contracts';
import { SipClient } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import type { AgentConfig } from '../config.js';
import { createMcpToolset } from '../mcp/toolset.js';
import { watchModelTrouble } from '../model/model-trouble.js';
import { watchSpeechStarts } from '../model/speech-starts.js';
import { watchUnansweredTurns } from '../model/unanswered-turns.js';
import { createModelRecovery } from './model-recovery.js';
import { createRealtimeModel } from '../model/realtime-model.js';
import { createCallObserver } from '../observability/call-observer.js';
import { createCallRecorder, maskPhone } from '../observability/call-record.js';
import { createRoomPublisher } from '../observability/data-topic.js';
import { queueConnectedMessage } from '../observability/to-data-topic.js';
import { roomForLog } from '../observability/redact.js';
import { callerInputOptions } from './audio-input.js';
import { createCallGuard } from './call-guard.js';
import { createEndCallTool, createTransferTool } from './call-control-tools.js';
import { describeCaller } from './caller-identity.js';
import { signalCallerLeft } from './caller-left-signal.js';
import { createDtmfCollector, typedInput } from './dtmf.js';
import { anotherAgentServes, yieldsToNewcomer } from './one-agent.js';
import {
  FALLBACK_CLIPS,
  playClip,
  readWavClip,
  startClip,
  type StartedClip,
} from './fallback-audio.js';
import { buildInstructions, GREETING_INSTRUCTIONS } from './prompt.js';
import { createSupportAgent } from './support-agent.js';

export interface CallDeps {
  config: Readonly<AgentConfig>;
  /** The local VAD; null with the model's own turn detection. */
  vad: voice.AgentSessionOptions['vad'];
  logger: Logger;
}

/**
 * How long a job waits for its caller. The caller's join creates a call room, so the caller is
 * normally there before the agent; a job whose caller was already hung up (the switchboard refused
 * the call, or the caller gave up while the job was assigned) must not hold a worker slot until
 * the room's empty timeout.
 */
export const CALLER_JOIN_TIMEOUT_MS = 10_000;

/**
 * How long after the answer a new caller may wait in silence for the model's greeting before the
 * recorded "Hello!" plays (the greeting must be heard within 2 s of the 200 OK)...
 */
export const OPENING_LEAD_MS = 1_200;
/** ...and at the latest this long after the caller joined the room (about when they dialled). */
export const OPENING_DEADLINE_MS = 1_800;

/**
 * The silence before "Hello!": OPENING_LEAD_MS, less what the caller has already waited past
 * OPENING_DEADLINE_MS (an agent that joins late, in a burst, has less time). `callerJoinedAt` is
 * livekit-server's clock (0 when unknown): on another host a skewed clock only moves the line
 * within [0, OPENING_LEAD_MS].
 */
export function openingLeadMs(
  callerJoinedAt: number,
  now: number,
  switchboardSpeaking = false,
): number {
  const lead =
    callerJoinedAt <= 0
      ? OPENING_LEAD_MS
      : Math.min(OPENING_LEAD_MS, Math.max(0, OPENING_DEADLINE_MS - (now - callerJoinedAt)));
  return switchboardSpeaking ? Math.max(lead, SWITCHBOARD_YIELD_MS) : lead;
}

/**
 * The switchboard started its queue message just as this agent came (a burst on a busy host): it
 * stops the moment the agent joins (its webhook), so "Hello!" waits this long, never over it.
 */
export const SWITCHBOARD_YIELD_MS = 400;

/** Whether a participant is the caller: not an agent, not the switchboard's voice (queue, hold). */
export function isCaller(participant: RemoteParticipant): boolean {
  return (
    participant.kind !== ParticipantKind.AGENT &&
    !participant.identity.startsWith(SWITCHBOARD_IDENTITY_PREFIX)
  );
}

/** Whether the switchboard's voice is in the room with audio (the queue message, hold audio). */
export function switchboardSpeaking(participants: Iterable<RemoteParticipant>): boolean {
  for (const participant of participants)
    if (
      participant.identity.startsWith(SWITCHBOARD_IDENTITY_PREFIX) &&
      participant.trackPublications.size > 0
    )
      return true;
  return false;
}

/** The caller, or undefined when nobody joins within `timeoutMs` (or the room closes). */
export async function waitForCaller(
  room: Pick<Room, 'remoteParticipants' | 'on' | 'off'>,
  timeoutMs: number,
): Promise<RemoteParticipant | undefined> {
  for (const participant of room.remoteParticipants.values())
    if (isCaller(participant)) return participant;
  return new Promise((resolve) => {
    const done = (participant: RemoteParticipant | undefined) => {
      clearTimeout(timer);
      room.off(RoomEvent.ParticipantConnected, onJoin);
      room.off(RoomEvent.Disconnected, onClose);
      resolve(participant);
    };
    const onJoin = (participant: RemoteParticipant) => {
      if (isCaller(participant)) done(participant);
    };
    const onClose = () => done(undefined);
    const timer = setTimeout(() => done(undefined), timeoutMs);
    room.on(RoomEvent.ParticipantConnected, onJoin);
    room.on(RoomEvent.Disconnected, onClose);
  });
}

export async function runCall(ctx: JobContext, deps: CallDeps): Promise<void> {
  const { config } = deps;
  await ctx.connect();
  const joinedAt = Date.now();
  const present = [...ctx.room.remoteParticipants.values()].map((member) => ({
    identity: member.identity,
    kind: member.kind,
    joinedAtMs: Number(member.info.joinedAt ?? 0n),
  }));
  const me = ctx.room.localParticipant;
  const mine = me && {
    identity: me.identity,
    joinedAtMs: Number(me.info.joinedAt ?? 0n) || joinedAt,
  };
  if (anotherAgentServes(present, mine)) {
    deps.logger.info(
      { room: roomForLog(ctx.room.name) },
      'another agent serves this call; leaving',
    );
    ctx.shutdown('another agent serves this call');
    return;
  }
  const self = ctx.room.localParticipant?.identity ?? '';
  ctx.room.on(RoomEvent.ParticipantConnected, (newcomer) => {
    if (!yieldsToNewcomer(self, newcomer, Date.now() - joinedAt)) return;
    deps.logger.info({ room: roomForLog(ctx.room.name) }, 'another agent joined at once; leaving');
    ctx.shutdown('another agent serves this call');
  });
  const participant = await waitForCaller(ctx.room, CALLER_JOIN_TIMEOUT_MS);
  if (participant === undefined) {
    deps.logger.info({ room: roomForLog(ctx.room.name) }, 'no caller joined; ending the job');
    ctx.shutdown('no caller joined');
    return;
  }
  const {
    caller,
    callerNumber,
    trustedNumber,
    callerId,
    callId: sipCallId,
  } = describeCaller(participant);
  const callId = sipCallId ?? ctx.job.id;
  const logger = deps.logger.child({
    callId,
    room: roomForLog(ctx.room.name),
    callerKind: caller.kind,
  });
  signalCallerLeft(ctx.room, participant.identity, logger);
  // Connected from the switchboard's call queue: how long the caller waited (dispatch metadata).
  const queued = queueWaitOf(ctx.job.metadata);
  const queue = queued && queueWaitAt(queued, Date.now());
  // Sent to take over from an agent whose host died mid-call: the record says so.
  const takeover = isTakeover(ctx.job.metadata);
  // The decision and its reason, never the number.
  logger.info(
    {
      callerId: callerNumber !== undefined,
      callerIdTrusted: callerId.trusted,
      callerIdReason: callerId.reason,
      ...(queue ? { queuedMs: queue.waitedMs } : {}),
      ...(takeover ? { takeover } : {}),
    },
    'call started',
  );

  // A recorded opening line, queued in the native audio source before the session starts (which
  // keeps this process busy for a second or more on a busy host, and the bridge answers the call
  // as soon as this track is published). A caller whose agent died hears "Sorry, we were cut off"
  // at once. A new caller hears "Hello!" only should the model's greeting not have started within
  // openingLeadMs of the answer (it stops the line as it starts): never silence, never two
  // voices. A caller connected from the queue (who heard the queue message) hears the greeting
  // only. One the switchboard began to queue as this agent came hears "Hello!" once it has
  // stopped: the switchboard's voice was cut at its first words (a burst lost 0.6 s of silence
  // when this agent waited for the model's greeting instead).
  const opening = takeover
    ? { clip: FALLBACK_CLIPS.takeover, leadMs: 0 }
    : queue === undefined
      ? {
          clip: FALLBACK_CLIPS.hello,
          leadMs: openingLeadMs(
            Number(participant.info.joinedAt ?? 0n),
            Date.now(),
            switchboardSpeaking(ctx.room.remoteParticipants.values()),
          ),
        }
      : undefined;
  const openingLine: Promise<StartedClip | undefined> =
    opening === undefined
      ? Promise.resolve(undefined)
      : readWavClip(opening.clip)
          .then((clip) =>
            startClip(ctx.room, clip, { trackName: 'opening', leadMs: opening.leadMs }),
          )
          .catch((error: unknown) => {
            logger.warn(
              { err: { message: (error as Error).message } },
              'could not play the opening line',
            );
            return undefined;
          });

  const recorder = createCallRecorder({
    dir: config.callsDir,
    callId,
    startedAt: Date.now(),
    callerNumberMasked: callerNumber === undefined ? undefined : maskPhone(callerNumber),
    callerId,
    ...(queue ? { queue } : {}),
    ...(takeover ? { takeover } : {}),
    kind: caller.kind,
    logger,
  });
  const toolset = createMcpToolset({
    connection: config.mcp,
    // Caller ID is a claim: the store treats the number as the caller's identity, so it gets one
    // only when the trunk vouches for it; otherwise the caller verifies by email (verify_customer).
    callerNumber: trustedNumber,
    toolTimeoutMs: config.toolTimeoutMs,
    logger,
    onToolCall: (event) => observer.toolCall(event),
  });
  let endReason = 'room_closed';
  const tools: llm.ToolContextEntry[] = [
    toolset,
    createEndCallTool(() => (endReason = 'agent_ended_call')),
  ];
  const transferTo = config.transferTo;
  // Transfers go through the server API with the worker's own credentials.
  const sip = new SipClient(
    config.livekit?.url ?? '',
    config.livekit?.apiKey,
    config.livekit?.apiSecret,
  );
  const transfer = (identity: string, to: string) =>
    sip.transferSipParticipant(ctx.room.name!, identity, to, { playDialtone: false });
  if (transferTo !== undefined) {
    tools.push(
      createTransferTool({
        transferTo,
        caller: () => caller,
        transfer,
        onTransferred: () => (endReason = 'transferred'),
      }),
    );
  }

  const model = createRealtimeModel(config);
  const session = new voice.AgentSession({
    llm: model,
    vad: deps.vad,
    turnHandling:
      config.turnDetection === 'vad'
        ? { turnDetection: 'vad', endpointing: { minDelay: config.endpointingMinDelayMs } }
        : { turnDetection: 'realtime_llm' },
    userAwayTimeout: config.userAwaySeconds,
  });
  const publisher = ctx.room.localParticipant
    ? createRoomPublisher(ctx.room.localParticipant)
    : undefined;
  // A tester's page shows the wait it came through (phone callers' bridges ignore the packet).
  if (queue) publisher?.publish(queueConnectedMessage(queue, Date.now()));
  const observer = createCallObserver({
    session,
    callId,
    callerNumber,
    publisher,
    recorder,
    logger,
  });

  const hangUp = async (reason: string): Promise<void> => {
    endReason = reason;
    logger.info({ reason }, 'ending call');
    await ctx
      .deleteRoom()
      .catch((error: unknown) => logger.error({ err: error }, 'could not delete the room'));
    ctx.shutdown(reason);
  };
  const onModelLost = async (): Promise<void> => {
    logger.error('model connection lost; playing the recorded apology');
    const canTransfer = transferTo !== undefined && caller.kind === 'sip';
    try {
      await playClip(
        ctx.room,
        await readWavClip(canTransfer ? FALLBACK_CLIPS.apologyTransfer : FALLBACK_CLIPS.apology),
      );
      if (canTransfer) {
        await transfer(caller.identity, transferTo);
        endReason = 'transferred_after_model_failure';
        ctx.shutdown(endReason);
        return;
      }
    } catch (error) {
      logger.error({ err: error }, 'fallback after model failure failed');
    }
    await hangUp('model_failure');
  };
  const guard = createCallGuard({
    session: session as unknown as Parameters<typeof createCallGuard>[0]['session'],
    maxCallSeconds: config.maxCallSeconds,
    hangUp,
    onModelLost,
  });
  // The record places each caller turn where it was said, whenever its transcript comes.
  watchSpeechStarts(model, (itemId, at) => observer.speechStarted(itemId, at));
  // A caller turn the model committed but never answered gets an answer after 1 s, not silence
  // until the reply guard's 15 s (model/unanswered-turns.ts). The model ends turns only with
  // server turn detection; with the local VAD the framework commits and answers each turn itself.
  const unansweredTurns =
    config.turnDetection === 'server'
      ? watchUnansweredTurns(model, {
          answer: (itemId) => {
            logger.warn({ itemId }, 'caller turn got no response; asking the model for one');
            try {
              session.generateReply();
            } catch (error) {
              // The session is closing (the call is ending): nothing to answer any more.
              logger.warn({ err: error }, 'could not ask the model for an answer');
            }
          },
        })
      : undefined;
  // A response that fails, stops short or is lost with the connection gets a spoken retry.
  watchModelTrouble(
    model,
    createModelRecovery({
      session,
      logger,
      onGiveUp: () => {
        guard.stop();
        void onModelLost();
      },
    }),
  );

  // The caller hung up (the session closes when its linked participant leaves): leave the room
  // now, so this worker's slot frees at once instead of when the empty room times out (10 s),
  // while queued callers wait for it. Other closes (a model failure) keep their own endings.
  session.on(voice.AgentSessionEventTypes.Close, (event) => {
    if (event.reason === voice.CloseReason.PARTICIPANT_DISCONNECTED) {
      endReason = 'caller_hung_up';
      ctx.shutdown(endReason);
    }
  });

  // Keypad: digits typed then # reach the model as the caller's input.
  const dtmf = createDtmfCollector({
    onSubmit: (digits) => {
      logger.info({ digits: digits.length }, 'keypad input');
      session.generateReply({ userInput: typedInput(digits) });
    },
  });
  ctx.room.on('dtmfReceived', (_code, digit, from) => {
    if (from.identity === participant.identity) dtmf.press(digit);
  });

  ctx.addShutdownCallback(async () => {
    guard.stop();
    unansweredTurns?.stop();
    await observer.end(endReason);
    logger.info({ reason: endReason }, 'call ended');
  });

  const agent = createSupportAgent({
    instructions: buildInstructions({ canTransfer: transferTo !== undefined, takeover }),
    tools,
    // Taking over, the recorded line greets; the model greets only should it not have played.
    greet: !takeover,
  });
  const opened = await openingLine;
  // The model's greeting (or first answer) takes over from a "Hello!" still waiting or playing.
  if (opened && !takeover)
    session.on(voice.AgentSessionEventTypes.AgentStateChanged, (event) => {
      if (event.newState === 'speaking') opened.stop();
    });
  // Linked to the caller: the switchboard may still be in the room, playing hold audio.
  await session.start({
    agent,
    room: ctx.room,
    inputOptions: callerInputOptions(participant.identity, config.turnDetection),
  });
  if (takeover && opened === undefined)
    session.generateReply({ instructions: GREETING_INSTRUCTIONS });
}

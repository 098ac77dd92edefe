// Keeps callers from being left in silence when their agent is gone: a job process that crashed,
// a worker that was killed (and restarted by its supervisor), or a dispatch livekit-server never
// delivered. livekit-server (OSS) does not re-dispatch a room's agent, and the SIP bridge keeps the
// call up as long as the room exists, so the worker's main process sweeps the rooms itself: a
// caller without an agent gets a new agent dispatched; if that one does not arrive either, the
// room is deleted and the bridge hangs up (BYE) instead of leaving the caller listening to nothing.
// A caller still ringing counts: the bridge answers only once an agent publishes audio, so a call
// whose dispatch no worker took (livekit-server does not retry it) rings until this acts.
import { SWITCHBOARD_IDENTITY_PREFIX, takenDispatchOf } from '@ecommerce-voicebot/contracts';
import type { AgentDispatch, ParticipantInfo, Room } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import { roomForLog } from '../observability/redact.js';

/** livekit.ParticipantInfo.Kind values (the enum is not re-exported by livekit-server-sdk). */
const KIND_SIP = 3;
const KIND_AGENT = 4;
/** Marks the dispatches made here, so a restarted worker knows a room was already recovered once. */
export const RECOVERY_METADATA = 'call-recovery';

export interface CallRecoveryApi {
  listRooms(): Promise<Pick<Room, 'name' | 'metadata'>[]>;
  listParticipants(
    room: string,
  ): Promise<Pick<ParticipantInfo, 'identity' | 'kind' | 'joinedAtMs' | 'attributes'>[]>;
  listDispatch(
    room: string,
  ): Promise<Pick<AgentDispatch, 'id' | 'agentName' | 'metadata' | 'state'>[]>;
  createDispatch(room: string, agentName: string, options: { metadata: string }): Promise<unknown>;
  deleteRoom(room: string): Promise<void>;
}

export interface CallRecoveryOptions {
  api: CallRecoveryApi;
  agentName: string;
  logger: Logger;
  /** How long a new caller may wait for the first agent before it counts as missing. */
  joinGraceMs?: number;
  /**
   * A dispatch still without a job this long after it was made was never delivered (no worker
   * took it; livekit-server waits up to 10 s for a worker's answer and never retries): the room is
   * dispatched again at once, without waiting for the rest of the join grace.
   */
  deliveryTimeoutMs?: number;
  /** How many times a room is dispatched again while no worker takes it. */
  maxRedispatches?: number;
  /** How long a room must look agentless before acting (a hangup or transfer passes through it). */
  confirmMs?: number;
  /** How long the re-dispatched agent gets to join before the call is ended. */
  recoveryTimeoutMs?: number;
  intervalMs?: number;
  now?: () => number;
}

export interface CallRecovery {
  /** One pass over the rooms; `start` runs it on a timer. */
  sweep(): Promise<void>;
  start(): void;
  stop(): void;
}

export function createCallRecovery(options: CallRecoveryOptions): CallRecovery {
  const { api, agentName, logger } = options;
  const joinGraceMs = options.joinGraceMs ?? 15_000;
  const deliveryTimeoutMs = options.deliveryTimeoutMs ?? 12_000;
  const maxRedispatches = options.maxRedispatches ?? 3;
  const confirmMs = options.confirmMs ?? 2_000;
  const recoveryTimeoutMs = options.recoveryTimeoutMs ?? 20_000;
  const intervalMs = options.intervalMs ?? 1_000;
  const now = options.now ?? Date.now;
  /** Rooms seen without an agent, and since when (cleared as soon as an agent is back). */
  const agentless = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const checkRoom = async (room: string, roomMetadata: string): Promise<void> => {
    const participants = await api.listParticipants(room);
    const callers = participants.filter(
      (p) => p.kind === KIND_SIP && p.attributes['sip.callStatus'] !== 'hangup',
    );
    // The switchboard is speaking to this caller (queue or line down): it connects them itself.
    const switchboard = participants.some((p) =>
      p.identity.startsWith(SWITCHBOARD_IDENTITY_PREFIX),
    );
    if (callers.length === 0 || switchboard || participants.some((p) => p.kind === KIND_AGENT)) {
      agentless.delete(room);
      return;
    }
    const at = now();
    const since = agentless.get(room) ?? at;
    agentless.set(room, since);
    if (at - since < confirmMs) return;

    const dispatches = (await api.listDispatch(room)).filter((d) => d.agentName === agentName);
    if (dispatches.length === 0) return; // not a call for this agent
    const createdMs = (d: (typeof dispatches)[number]) =>
      Number((d.state?.createdAt ?? 0n) / 1_000_000n);
    // livekit-server v1.13.5 lists no jobs: the worker that took one marks the room instead.
    const taken = takenDispatchOf(roomMetadata);
    const undelivered = (d: (typeof dispatches)[number]) =>
      (d.state?.jobs.length ?? 0) === 0 && d.id !== taken && at - createdMs(d) >= deliveryTimeoutMs;
    const newest = dispatches.reduce((a, b) => (createdMs(b) > createdMs(a) ? b : a));
    const neverDelivered = undelivered(newest);
    const joinedAt = Math.min(...callers.map((p) => Number(p.joinedAtMs)));
    // A dispatch made since (the switchboard's, for a caller whose agent's host died) gets the
    // same grace as a new caller: its agent is on its way.
    const waitingSince = Math.max(joinedAt, createdMs(newest));
    if (!neverDelivered && at - waitingSince < joinGraceMs) return;

    const recoveries = dispatches.filter((d) => d.metadata === RECOVERY_METADATA);
    const log = logger.child({ room: roomForLog(room) });
    if (recoveries.length === 0 || (neverDelivered && recoveries.length < maxRedispatches)) {
      log.warn(
        { agentlessMs: at - since, neverDelivered, recoveries: recoveries.length },
        neverDelivered
          ? 'no worker took the call; dispatching it again'
          : 'caller without an agent; dispatching a new agent',
      );
      await api.createDispatch(room, agentName, { metadata: RECOVERY_METADATA });
      agentless.set(room, at);
      return;
    }
    const lastRecovery = Math.max(...recoveries.map(createdMs));
    if (at - Math.max(lastRecovery, since) < recoveryTimeoutMs) return;
    log.error('the re-dispatched agent did not join; ending the call');
    await api.deleteRoom(room);
    agentless.delete(room);
  };

  const sweep = async (): Promise<void> => {
    const rooms = await api.listRooms();
    const names = new Set(rooms.map((room) => room.name));
    for (const room of agentless.keys()) if (!names.has(room)) agentless.delete(room);
    for (const { name, metadata } of rooms) {
      await checkRoom(name, metadata).catch((error: unknown) =>
        logger.warn({ err: error, room: roomForLog(name) }, 'call recovery check failed'),
      );
    }
  };

  return {
    sweep,
    start() {
      if (timer !== undefined) return;
      const tick = () => {
        running ??= sweep()
          .catch((error: unknown) => logger.warn({ err: error }, 'call recovery sweep failed'))
          .finally(() => (running = undefined));
      };
      tick();
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

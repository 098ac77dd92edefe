// Finds agents whose host died mid-call. livekit-server keeps a killed agent's participant in the
// room until ICE fails (about 25 s) and never re-dispatches its job, so without this the caller
// hears nothing for that long. Every agent counts a heartbeat in a participant attribute
// (contracts/src/agent-liveness.ts); twice a second this reads the participants of the rooms that
// have an agent, and an agent whose count has not moved for `staleMs` (by this process's clock,
// so hosts' clocks need not agree) is reported lost, with the callers it leaves behind.
import { AGENT_HEARTBEAT_ATTRIBUTE, AGENT_HEARTBEAT_STALE_MS } from '@ecommerce-voicebot/contracts';
import type { Logger } from 'pino';

export interface RoomMember {
  readonly identity: string;
  readonly isAgent: boolean;
  readonly isCaller: boolean;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface LostAgent {
  readonly room: string;
  readonly identity: string;
  /** The callers still in the room, who need another agent. */
  readonly callers: readonly string[];
  /** How long its heartbeat had not moved. */
  readonly silentMs: number;
}

export interface AgentLivenessOptions {
  /** The rooms with an agent in them now (from webhooks: agent-presence.ts). */
  rooms: () => Iterable<string>;
  /** The room's participants (RoomServiceClient.listParticipants in production). */
  members: (room: string) => Promise<readonly RoomMember[]>;
  onLost: (lost: LostAgent) => Promise<void>;
  logger: Logger;
  staleMs?: number;
  intervalMs?: number;
  now?: () => number;
}

export interface AgentLiveness {
  /** One look at every room with an agent; `start` runs it on a timer. */
  sweep(): Promise<void>;
  start(): void;
  stop(): void;
}

export function createAgentLiveness(options: AgentLivenessOptions): AgentLiveness {
  const { logger } = options;
  const staleMs = options.staleMs ?? AGENT_HEARTBEAT_STALE_MS;
  const intervalMs = options.intervalMs ?? 500;
  const now = options.now ?? Date.now;
  /** `room/identity` → its last heartbeat and when this process saw it change. */
  const beats = new Map<string, { value: string; changedAt: number }>();
  /** Agents already reported (`room/identity`): once each, even if its removal fails. */
  const reported = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const checkRoom = async (room: string, seen: Set<string>): Promise<LostAgent[]> => {
    const members = await options.members(room);
    const at = now();
    const lost: LostAgent[] = [];
    for (const member of members) {
      if (!member.isAgent) continue;
      const value = member.attributes[AGENT_HEARTBEAT_ATTRIBUTE];
      // An agent that has not beaten yet (still joining, or an older version) is not judged.
      if (value === undefined) continue;
      const key = `${room}/${member.identity}`;
      seen.add(key);
      if (reported.has(key)) continue;
      const last = beats.get(key);
      if (last === undefined || last.value !== value) {
        beats.set(key, { value, changedAt: at });
        continue;
      }
      if (at - last.changedAt < staleMs) continue;
      beats.delete(key);
      reported.add(key);
      lost.push({
        room,
        identity: member.identity,
        callers: members.filter((m) => m.isCaller).map((m) => m.identity),
        silentMs: at - last.changedAt,
      });
    }
    return lost;
  };

  const sweep = async (): Promise<void> => {
    const seen = new Set<string>();
    const lost: LostAgent[] = [];
    const results = await Promise.allSettled(
      [...options.rooms()].map((room) => checkRoom(room, seen)),
    );
    for (const result of results) {
      if (result.status === 'fulfilled') lost.push(...result.value);
      else
        logger.warn(
          { err: { message: (result.reason as Error).message } },
          'could not read a room for agent heartbeats',
        );
    }
    // Forget agents no longer seen (they left, or their room closed), but not those of rooms that
    // could not be read this time.
    if (results.every((result) => result.status === 'fulfilled'))
      for (const known of [beats, reported])
        for (const key of known.keys()) if (!seen.has(key)) known.delete(key);
    // Every lost agent is known before any is acted on: with a whole host gone, the first room
    // handled must already see that host's other agents gone.
    for (const agent of lost) {
      logger.warn(
        { room: agent.room, silentMs: agent.silentMs, callers: agent.callers.length },
        'agent heartbeat stopped; its host is gone',
      );
    }
    for (const agent of lost)
      await options
        .onLost(agent)
        .catch((error: unknown) =>
          logger.error(
            { room: agent.room, err: { message: (error as Error).message } },
            'could not replace a lost agent',
          ),
        );
  };

  return {
    sweep,
    start() {
      if (timer !== undefined) return;
      timer = setInterval(() => {
        running ??= sweep()
          .catch((error: unknown) =>
            logger.warn({ err: { message: (error as Error).message } }, 'heartbeat sweep failed'),
          )
          .finally(() => (running = undefined));
      }, intervalMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

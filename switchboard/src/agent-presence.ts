/** Which agents are in which call rooms: how busy the line's workers are. */
export interface AgentPresence {
  joined(room: string, identity: string): void;
  /** Whether that agent was known (its worker has room again). */
  left(room: string, identity: string): boolean;
  /**
   * An agent whose host died: no longer counted, and the room remembers when, so that the dead
   * agent's job (livekit-server keeps it "running") is not taken for an agent on its way.
   */
  lost(room: string, identity: string, at: number): void;
  /** When the room last lost an agent (epoch ms), or 0. */
  lostAt(room: string): number;
  /** How many known agents the closed room had. */
  roomClosed(room: string): number;
  /** The rooms with an agent in them. */
  rooms(): Iterable<string>;
  /** Whether an agent is in the room. */
  has(room: string): boolean;
  count(): number;
}

export function createAgentPresence(): AgentPresence {
  const rooms = new Map<string, Set<string>>();
  const lostAt = new Map<string, number>();
  const left = (room: string, identity: string) => {
    const agents = rooms.get(room);
    const known = agents?.delete(identity) ?? false;
    if (agents?.size === 0) rooms.delete(room);
    return known;
  };
  return {
    joined(room, identity) {
      const agents = rooms.get(room) ?? new Set<string>();
      agents.add(identity);
      rooms.set(room, agents);
    },
    left,
    lost(room, identity, at) {
      left(room, identity);
      lostAt.set(room, at);
    },
    lostAt: (room) => lostAt.get(room) ?? 0,
    roomClosed(room) {
      const count = rooms.get(room)?.size ?? 0;
      rooms.delete(room);
      lostAt.delete(room);
      return count;
    },
    rooms: () => rooms.keys(),
    has: (room) => rooms.has(room),
    count() {
      return [...rooms.values()].reduce((sum, agents) => sum + agents.size, 0);
    },
  };
}

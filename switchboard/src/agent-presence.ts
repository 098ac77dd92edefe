/** Which agents are in which call rooms: how busy the line's workers are. */
export interface AgentPresence {
  joined(room: string, identity: string): void;
  /** Whether that agent was known (its worker has room again). */
  left(room: string, identity: string): boolean;
  /** How many known agents the closed room had. */
  roomClosed(room: string): number;
  count(): number;
}

export function createAgentPresence(): AgentPresence {
  const rooms = new Map<string, Set<string>>();
  return {
    joined(room, identity) {
      const agents = rooms.get(room) ?? new Set<string>();
      agents.add(identity);
      rooms.set(room, agents);
    },
    left(room, identity) {
      const agents = rooms.get(room);
      const known = agents?.delete(identity) ?? false;
      if (agents?.size === 0) rooms.delete(room);
      return known;
    },
    roomClosed(room) {
      const count = rooms.get(room)?.size ?? 0;
      rooms.delete(room);
      return count;
    },
    count() {
      return [...rooms.values()].reduce((sum, agents) => sum + agents.size, 0);
    },
  };
}

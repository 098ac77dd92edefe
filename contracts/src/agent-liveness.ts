// How the switchboard tells a live agent from one whose host died. livekit-server keeps a
// participant whose process was killed in its room until ICE fails (about 25 s), and livekit-server
// (OSS) never re-dispatches its job, so the caller would hear silence all that time. Each agent
// therefore counts a heartbeat in one of its participant attributes; the switchboard reads the
// room's participants and, when an agent's count stops moving, removes it and asks for another.

/** The participant attribute an agent increments every {@link AGENT_HEARTBEAT_INTERVAL_MS}. */
export const AGENT_HEARTBEAT_ATTRIBUTE = 'voicebot.heartbeat';

export const AGENT_HEARTBEAT_INTERVAL_MS = 500;

/**
 * An agent whose heartbeat has not moved for this long counts as gone: five beats. A job process
 * whose event loop stalls that long is not serving its caller either (the longest stall seen on a
 * loaded 2-core box at call start was 1.3 s; 2.2 s far past its capacity). Should a stalled agent
 * be taken for dead all the same, it is replaced: the caller is greeted again, never left alone.
 */
export const AGENT_HEARTBEAT_STALE_MS = 2_500;

/** Dispatch metadata of the agent sent to a caller whose agent was lost mid-call. */
export function takeoverDispatchMetadata(): string {
  return JSON.stringify({ takeover: true });
}

/** Whether a dispatch's metadata says the agent takes over a call whose agent was lost. */
export function isTakeover(metadata: string | undefined): boolean {
  if (!metadata?.startsWith('{')) return false;
  try {
    return (JSON.parse(metadata) as { takeover?: unknown }).takeover === true;
  } catch {
    return false;
  }
}

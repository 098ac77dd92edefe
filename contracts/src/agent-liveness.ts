// How the switchboard tells a live agent from one whose host died. livekit-server keeps a
// participant whose process was killed in its room until ICE fails (about 25 s), and livekit-server
// (OSS) never re-dispatches its job, so the caller would hear silence all that time. Each agent's
// heartbeat is therefore a counter in one of its participant attributes, set by its worker's main
// process through the server API (agent/src/worker/job-heartbeat.ts); the switchboard reads the
// room's participants and, when an agent's count stops moving, removes it and asks for another.

/** The participant attribute an agent increments every {@link AGENT_HEARTBEAT_INTERVAL_MS}. */
export const AGENT_HEARTBEAT_ATTRIBUTE = 'voicebot.heartbeat';

export const AGENT_HEARTBEAT_INTERVAL_MS = 500;

/**
 * An agent whose heartbeat has not moved for this long counts as gone: three beats. The worker's
 * main process beats, not the job's: a job process's event loop stalls for up to 3 s starting a
 * call on a loaded 2-core box, while the main process, which moves no audio, keeps time. Should a
 * live agent be taken for dead all the same, it is replaced: the caller hears the takeover line,
 * never silence.
 */
export const AGENT_HEARTBEAT_STALE_MS = 1_500;

/**
 * Set to "1" by an agent whose caller has left, before it closes its session (1-1.5 s on a busy
 * host). Its worker's main process reads it in each heartbeat's reply and stops counting the job
 * as a call: a queued caller's dispatch is taken then, not when the job process is done.
 */
export const AGENT_CALL_ENDED_ATTRIBUTE = 'voicebot.call_ended';

/** Whether an agent's attributes say its caller has left. */
export function callEnded(attributes: Readonly<Record<string, string>> | undefined): boolean {
  return attributes?.[AGENT_CALL_ENDED_ATTRIBUTE] === '1';
}

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

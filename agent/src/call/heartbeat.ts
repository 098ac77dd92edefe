// The agent's heartbeat (contracts/src/agent-liveness.ts): a counter in one of its participant
// attributes, so the switchboard can tell this agent from one whose host died.
import {
  AGENT_HEARTBEAT_ATTRIBUTE,
  AGENT_HEARTBEAT_INTERVAL_MS,
} from '@ecommerce-voicebot/contracts';

export interface HeartbeatTarget {
  setAttributes(attributes: Record<string, string>): Promise<void>;
}

export interface HeartbeatOptions {
  intervalMs?: number;
  /** Told once when a beat fails (the room may be closing); later failures are not repeated. */
  onFailure?: (error: unknown) => void;
  setInterval?: (callback: () => void, ms: number) => { unref?: () => void };
  clearInterval?: (timer: unknown) => void;
}

/** Beats at once and then every interval; returns the function that stops it. */
export function startHeartbeat(
  target: HeartbeatTarget,
  options: HeartbeatOptions = {},
): () => void {
  const every = options.setInterval ?? setInterval;
  const clear =
    options.clearInterval ?? ((timer: unknown) => clearInterval(timer as NodeJS.Timeout));
  let beats = 0;
  let reported = false;
  const beat = () => {
    beats += 1;
    target.setAttributes({ [AGENT_HEARTBEAT_ATTRIBUTE]: String(beats) }).catch((error: unknown) => {
      if (reported) return;
      reported = true;
      options.onFailure?.(error);
    });
  };
  beat();
  const timer = every(beat, options.intervalMs ?? AGENT_HEARTBEAT_INTERVAL_MS);
  timer.unref?.();
  return () => clear(timer);
}

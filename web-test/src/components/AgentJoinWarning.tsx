// Shown when the agent has not joined 10 s after the tester did: what to check. Not while the
// session waits in the switchboard's call queue (every agent busy): that wait is expected, and
// the 10 s start again if the queue lets the session go without an agent.
import { AGENT_JOIN_TIMEOUT_MS, useAgentJoinTimeout } from '../hooks/useAgentJoinTimeout';

export interface AgentJoinWarningProps {
  /** In the room, and no agent has joined yet. */
  waiting: boolean;
  /** The switchboard reports the session waiting in its call queue. */
  queued?: boolean;
  roomName?: string | undefined;
  timeoutMs?: number;
}

export function AgentJoinWarning({
  waiting,
  queued = false,
  roomName,
  timeoutMs = AGENT_JOIN_TIMEOUT_MS,
}: AgentJoinWarningProps) {
  const expired = useAgentJoinTimeout(waiting && !queued, timeoutMs);
  if (!expired) return null;
  return (
    <div className="notice notice-warning" role="alert">
      <p className="notice-title">
        The agent has not joined after {Math.round(timeoutMs / 1000)} seconds
      </p>
      <ul className="checklist">
        <li>
          Is the agent worker running (<code>npm run agent -- dev</code>) and registered? Its log
          says so at start.
        </li>
        <li>
          Does its <code>AGENT_NAME</code> match the token API’s (default{' '}
          <code>ecommerce-support</code>)? The token dispatches the agent by that name.
        </li>
        <li>
          Do the worker and the token API use the same LiveKit server and keys (
          <code>LIVEKIT_URL</code>, <code>LIVEKIT_API_KEY</code>)?
        </li>
        <li>
          Look for a job for room <code>{roomName || '(unknown)'}</code> in the agent’s log; a
          worker that crashed on it names the error there.
        </li>
      </ul>
      <p className="hint">The session stays open: the agent may still join.</p>
    </div>
  );
}

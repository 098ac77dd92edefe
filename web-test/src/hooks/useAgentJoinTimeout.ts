// True once `waiting` has stayed true for `timeoutMs` (the agent never joined the room).
import { useEffect, useState } from 'react';

export const AGENT_JOIN_TIMEOUT_MS = 10_000;

export function useAgentJoinTimeout(waiting: boolean, timeoutMs = AGENT_JOIN_TIMEOUT_MS): boolean {
  const [expired, setExpired] = useState(false);
  useEffect(() => {
    if (!waiting) return undefined;
    const timer = setTimeout(() => setExpired(true), timeoutMs);
    return () => {
      clearTimeout(timer);
      setExpired(false);
    };
  }, [waiting, timeoutMs]);
  return waiting && expired;
}

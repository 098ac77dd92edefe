// What the agent is doing: connecting, listening, thinking, speaking, with its audio level.
import type { ReactNode } from 'react';

/** components-react's AgentState, plus `waiting`: in the room, no agent yet. */
export type AgentDisplayState =
  | 'disconnected'
  | 'connecting'
  | 'waiting'
  | 'pre-connect-buffering'
  | 'initializing'
  | 'idle'
  | 'listening'
  | 'thinking'
  | 'speaking'
  | 'failed'
  | 'left';

const LABELS: Record<AgentDisplayState, { label: string; detail: string }> = {
  disconnected: { label: 'Not connected', detail: 'Start a session to talk to the agent.' },
  connecting: { label: 'Connecting…', detail: 'Getting a token and joining the room.' },
  waiting: {
    label: 'Waiting for the agent…',
    detail: 'In the room; the agent has not joined yet.',
  },
  'pre-connect-buffering': {
    label: 'Connecting…',
    detail: 'Your audio is buffered until the agent is ready.',
  },
  initializing: { label: 'Agent starting…', detail: 'The agent joined and is setting up.' },
  idle: { label: 'Idle', detail: 'The agent is connected.' },
  listening: { label: 'Listening', detail: 'Speak now.' },
  thinking: { label: 'Thinking', detail: 'The model is working (or a tool is running).' },
  speaking: { label: 'Speaking', detail: 'The agent is talking.' },
  failed: { label: 'Agent failed', detail: 'The agent could not start; see the agent’s log.' },
  left: { label: 'Agent left', detail: 'The agent left the room.' },
};

export function agentStateLabel(state: AgentDisplayState): string {
  return LABELS[state].label;
}

export interface AgentStatusProps {
  state: AgentDisplayState;
  /** The audio visualizer (components-react BarVisualizer in the app). */
  visualizer?: ReactNode;
  /** A warning under the status (agent never joined). */
  warning?: ReactNode;
  /** How long the agent took to join, when it did. */
  joinedAfterMs?: number | undefined;
}

export function AgentStatus({ state, visualizer, warning, joinedAfterMs }: AgentStatusProps) {
  const { label, detail } = LABELS[state];
  return (
    <div className="agent-status" data-state={state}>
      <div className="agent-status-row">
        <span className="state-dot" aria-hidden="true" />
        <div>
          <p className="agent-state" data-testid="agent-state">
            {label}
          </p>
          <p className="hint">
            {detail}
            {joinedAfterMs !== undefined &&
              ` Joined ${(joinedAfterMs / 1000).toFixed(1)} s after you.`}
          </p>
        </div>
      </div>
      <div className="visualizer" aria-hidden="true">
        {visualizer}
      </div>
      {warning}
    </div>
  );
}

// Every tool call the agent made (from `agent.events` tool_call messages): arguments, result or
// error, status and duration.
import type { ToolCallEvent, ToolStatus } from '@ecommerce-voicebot/contracts';
import { formatClock, formatClockPrecise, formatJson, formatMs, formatOffset } from '../format';
import type { Received } from '../record';

const STATUS_LABELS: Record<ToolStatus, string> = {
  ok: 'OK',
  error: 'Error',
  timeout: 'Timed out',
  blocked: 'Blocked',
  unavailable: 'Unavailable',
};

export interface ToolInspectorProps {
  calls: readonly Received<ToolCallEvent>[];
  startedAt?: number | undefined;
  /** agent.events messages that broke the contract and were ignored. */
  malformed?: number;
}

export function ToolInspector({ calls, startedAt, malformed = 0 }: ToolInspectorProps) {
  const failed = calls.filter((call) => call.status !== 'ok').length;
  const total = calls.reduce((sum, call) => sum + call.durationMs, 0);
  return (
    <div className="tools">
      <p className="summary" aria-live="polite">
        {calls.length === 0
          ? 'No tool calls yet.'
          : `${calls.length} call${calls.length === 1 ? '' : 's'}, ${failed} not OK, ${formatMs(total)} in tools.`}
      </p>
      {calls.length > 0 && (
        <ol className="tool-list">
          {calls.map((call, index) => (
            <li
              key={`${call.callId}-${index}`}
              className={`tool-call status-${call.status}`}
              aria-label={`${call.name}: ${STATUS_LABELS[call.status]}, ${formatMs(call.durationMs)}`}
            >
              <div className="tool-head">
                <span className="tool-name">{call.name}</span>
                <span className={`badge badge-${call.status}`}>{STATUS_LABELS[call.status]}</span>
                <span className="tool-duration">{formatMs(call.durationMs)}</span>
                <time
                  className="tool-time"
                  dateTime={new Date(call.at).toISOString()}
                  title={formatClockPrecise(call.at)}
                >
                  {formatClock(call.at)} {formatOffset(call.receivedAt, startedAt)}
                </time>
              </div>
              <dl className="tool-body">
                <dt>Arguments</dt>
                <dd>
                  <pre tabIndex={0}>{formatJson(call.args)}</pre>
                </dd>
                {call.status === 'ok' || call.result !== undefined ? (
                  <>
                    <dt>
                      Result
                      {call.truncated && (
                        <span className="truncated"> (truncated by the agent)</span>
                      )}
                    </dt>
                    <dd>
                      <pre tabIndex={0}>{formatJson(call.result)}</pre>
                    </dd>
                  </>
                ) : null}
                {call.error !== undefined && (
                  <>
                    <dt>Error</dt>
                    <dd className="tool-error">{call.error}</dd>
                  </>
                )}
                <dt className="visually-hidden">Call id</dt>
                <dd className="tool-id">{call.callId}</dd>
              </dl>
            </li>
          ))}
        </ol>
      )}
      {malformed > 0 && (
        <p className="hint" role="status">
          {malformed} agent.events message{malformed === 1 ? '' : 's'} did not match the contract
          and {malformed === 1 ? 'was' : 'were'} ignored.
        </p>
      )}
    </div>
  );
}

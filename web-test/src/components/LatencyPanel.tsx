// Per-turn latency from the agent's `latency` events, the session's p50/p95, and a chart.
import type { LatencyEvent } from '@ecommerce-voicebot/contracts';
import { formatClock, formatMs } from '../format';
import type { Received } from '../record';
import { LatencyChart } from './LatencyChart';
import {
  LATENCY_METRICS,
  METRIC_LABELS,
  METRIC_SHORT_LABELS,
  latestPerTurn,
  summarizeLatency,
} from './latency-stats';

export interface LatencyPanelProps {
  turns: readonly Received<LatencyEvent>[];
}

export function LatencyPanel({ turns }: LatencyPanelProps) {
  const rows = latestPerTurn(turns);
  const summary = summarizeLatency(rows);
  const headline = summary.endOfSpeechToFirstAudioMs;
  return (
    <div className="latency">
      <p className="summary">
        {rows.length === 0 ? (
          'No turns yet: each of your turns adds a row when the agent’s answer ends.'
        ) : (
          <>
            End of speech → first agent audio: p50 <strong>{formatMs(headline.p50)}</strong>, p95{' '}
            <strong>{formatMs(headline.p95)}</strong> over {headline.count} answered turn
            {headline.count === 1 ? '' : 's'}.
          </>
        )}
      </p>

      <table className="data-table stats-table">
        <caption className="visually-hidden">Session latency percentiles</caption>
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col">p50</th>
            <th scope="col">p95</th>
            <th scope="col">Max</th>
            <th scope="col">Turns</th>
          </tr>
        </thead>
        <tbody>
          {LATENCY_METRICS.map((metric) => (
            <tr key={metric} data-metric={metric}>
              <th scope="row">{METRIC_LABELS[metric]}</th>
              <td>{formatMs(summary[metric].p50)}</td>
              <td>{formatMs(summary[metric].p95)}</td>
              <td>{formatMs(summary[metric].max)}</td>
              <td>{summary[metric].count}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {rows.length > 0 && <LatencyChart turns={rows} p95={headline.p95} />}

      {rows.length > 0 && (
        <div className="table-scroller" tabIndex={0} role="region" aria-label="Latency per turn">
          <table className="data-table turns-table">
            <caption className="visually-hidden">Latency per turn</caption>
            <thead>
              <tr>
                <th scope="col">Turn</th>
                {LATENCY_METRICS.map((metric) => (
                  <th scope="col" key={metric}>
                    {METRIC_SHORT_LABELS[metric]}
                  </th>
                ))}
                <th scope="col">At</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.turn} data-turn={row.turn}>
                  <th scope="row">{row.turn}</th>
                  {LATENCY_METRICS.map((metric) => (
                    <td key={metric}>
                      {row[metric] === undefined && metric === 'endOfSpeechToFirstAudioMs'
                        ? 'no answer'
                        : formatMs(row[metric])}
                    </td>
                  ))}
                  <td>{formatClock(row.at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="hint">
        End of speech → first audio starts when the agent’s voice detection decided you stopped
        (after its silence window) and ends at the agent’s first audio frame; network and playback
        buffering come on top. End-of-turn delay (local turn detection only) covers the silence
        window and the decision.
      </p>
    </div>
  );
}

// Per-turn latency over the session, plain SVG.
import type { LatencyEvent } from '@ecommerce-voicebot/contracts';
import { formatMs } from '../format';
import { METRIC_SHORT_LABELS, type LatencyMetric } from './latency-stats';

const SERIES: readonly { metric: LatencyMetric; className: string }[] = [
  { metric: 'endOfSpeechToFirstAudioMs', className: 'series-e2fa' },
  { metric: 'ttftMs', className: 'series-ttft' },
  { metric: 'toolMs', className: 'series-tool' },
];

const WIDTH = 560;
const HEIGHT = 200;
const PAD = { left: 48, right: 12, top: 12, bottom: 28 };

/** A round axis maximum at or above `value`: 1, 2 or 5 × 10^n. */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1000;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

export interface LatencyChartProps {
  turns: readonly Pick<LatencyEvent, 'turn' | LatencyMetric>[];
  /** Draws the session's p95 of end of speech → first audio as a dashed line. */
  p95?: number | undefined;
}

export function LatencyChart({ turns, p95 }: LatencyChartProps) {
  const values = turns.flatMap((turn) =>
    SERIES.map(({ metric }) => turn[metric]).filter((v): v is number => v !== undefined),
  );
  const yMax = niceCeiling(Math.max(0, p95 ?? 0, ...values));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const x = (index: number) =>
    PAD.left + (turns.length <= 1 ? plotWidth / 2 : (index / (turns.length - 1)) * plotWidth);
  const y = (ms: number) => PAD.top + plotHeight - (ms / yMax) * plotHeight;
  const ticks = [0, yMax / 2, yMax];
  const description =
    turns.length === 0
      ? 'No turns yet.'
      : `${turns.length} turns; axis up to ${formatMs(yMax)}. The table below has every value.`;

  return (
    <figure className="latency-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby="latency-chart-title latency-chart-desc"
        preserveAspectRatio="xMidYMid meet"
      >
        <title id="latency-chart-title">Latency per turn</title>
        <desc id="latency-chart-desc">{description}</desc>
        {ticks.map((tick) => (
          <g key={tick} className="grid">
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(tick)} y2={y(tick)} />
            <text x={PAD.left - 6} y={y(tick)} textAnchor="end" dominantBaseline="middle">
              {formatMs(tick)}
            </text>
          </g>
        ))}
        {p95 !== undefined && (
          <g className="p95-line">
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(p95)} y2={y(p95)} />
            <text x={WIDTH - PAD.right} y={y(p95) - 4} textAnchor="end">
              p95 {formatMs(p95)}
            </text>
          </g>
        )}
        {turns.map((turn, index) => (
          <text
            key={turn.turn}
            className="axis-label"
            x={x(index)}
            y={HEIGHT - 8}
            textAnchor="middle"
          >
            {turns.length <= 12 || index % Math.ceil(turns.length / 12) === 0 ? turn.turn : ''}
          </text>
        ))}
        {SERIES.map(({ metric, className }) => {
          const points = turns
            .map((turn, index) => ({ index, value: turn[metric] }))
            .filter(
              (point): point is { index: number; value: number } => point.value !== undefined,
            );
          return (
            <g key={metric} className={`series ${className}`}>
              {points.length > 1 && (
                <polyline
                  fill="none"
                  points={points.map((p) => `${x(p.index)},${y(p.value)}`).join(' ')}
                />
              )}
              {points.map((p) => (
                <circle key={p.index} cx={x(p.index)} cy={y(p.value)} r={3.5} />
              ))}
            </g>
          );
        })}
      </svg>
      <figcaption className="legend">
        {SERIES.map(({ metric, className }) => (
          <span key={metric} className={`legend-item ${className}`}>
            <span className="swatch" aria-hidden="true" />
            {METRIC_SHORT_LABELS[metric]}
          </span>
        ))}
        <span className="legend-item p95-legend">
          <span className="swatch" aria-hidden="true" />
          p95 of speech end → audio
        </span>
      </figcaption>
    </figure>
  );
}

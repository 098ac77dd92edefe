// Both sides of the conversation as the framework transcribes them, in conversation order.
import { useEffect, useLayoutEffect, useRef } from 'react';
import { formatClock, formatClockPrecise, formatOffset } from '../format';
import type { OrderedTranscriptEntry } from '../record';

export interface TranscriptProps {
  entries: readonly OrderedTranscriptEntry[];
  /** Session start, for the +m:ss offsets. */
  startedAt?: number | undefined;
}

const SPEAKER = { user: 'You', agent: 'Agent' } as const;

export function Transcript({ entries, startedAt }: TranscriptProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);

  // Follow new lines unless the tester scrolled up to read.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (element && stickToBottom.current) element.scrollTop = element.scrollHeight;
  }, [entries]);
  useEffect(() => {
    const element = scroller.current;
    if (!element) return undefined;
    const onScroll = () => {
      stickToBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
    };
    element.addEventListener('scroll', onScroll);
    return () => element.removeEventListener('scroll', onScroll);
  }, []);

  // Screen readers hear each finished line once, not every partial update.
  const lastFinal = [...entries].reverse().find((entry) => entry.final);

  return (
    <div className="transcript">
      <div
        ref={scroller}
        className="transcript-scroller"
        tabIndex={0}
        role="region"
        aria-label="Transcript lines"
      >
        {entries.length === 0 ? (
          <p className="empty">What you and the agent say appears here.</p>
        ) : (
          <ol className="transcript-list">
            {entries.map((entry) => (
              <li key={entry.id} className={`line line-${entry.speaker}`} data-final={entry.final}>
                <span className="line-meta">
                  <span className="line-speaker">{SPEAKER[entry.speaker]}</span>{' '}
                  <time
                    dateTime={new Date(entry.orderAt).toISOString()}
                    title={`${formatClockPrecise(entry.orderAt)} (transcript sent ${formatClockPrecise(entry.at)})`}
                  >
                    {formatClock(entry.orderAt)}
                  </time>{' '}
                  <span className="line-offset">{formatOffset(entry.orderAt, startedAt)}</span>
                </span>
                <span className="line-text">
                  {entry.text}
                  {!entry.final && (
                    <span className="interim">
                      {' '}
                      …<span className="visually-hidden"> (still transcribing)</span>
                    </span>
                  )}
                </span>
              </li>
            ))}
          </ol>
        )}
      </div>
      <div
        className="visually-hidden"
        aria-live="polite"
        aria-atomic="true"
        data-testid="transcript-announcer"
      >
        {lastFinal ? `${SPEAKER[lastFinal.speaker]}: ${lastFinal.text}` : ''}
      </div>
    </div>
  );
}

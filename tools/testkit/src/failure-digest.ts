// What the stack decided during a failed scenario, in a few lines for the CI log. A clean-clone CI
// run keeps only its console output: the stack logs in test-artifacts/ are gone with its clone, and
// a timing failure ("heard after 3,319 ms") says nothing of why. The digest lists, for each failed
// test file, the switchboard's and the agents' decisions and warnings from that scenario's logs,
// with the seconds since the first of them.

/** A failed test file, as vitest's JSON report names it. */
export interface FailedFile {
  /** e.g. `call-queue`, from `…/call-queue.test.ts`: its logs are `call-queue.*.log`. */
  scenario: string;
  failedTests: string[];
}

interface JsonReport {
  testResults?: {
    name: string;
    status: string;
    assertionResults?: { title: string; status: string }[];
  }[];
}

export function failedFiles(report: JsonReport): FailedFile[] {
  return (report.testResults ?? [])
    .filter((file) => file.status === 'failed')
    .map((file) => ({
      scenario: (file.name.split('/').at(-1) ?? file.name).replace(/\.test\.[cm]?[jt]s$/, ''),
      failedTests: (file.assertionResults ?? [])
        .filter((test) => test.status === 'failed')
        .map((test) => test.title),
    }));
}

/** Messages worth a line even at info level: where a caller's wait was decided. */
const DECISIONS = [
  'call admitted',
  'call refused',
  'tester session admitted',
  'every agent is busy',
  'caller queued',
  'queued caller',
  'no agent for the caller',
  'no worker left',
  'switchboard voice speaking',
  'agent heartbeat stopped',
  'received job request',
  'call started',
  'call ended',
];

/** Fields that place a line (never a number or a transcript: the stack logs are redacted). */
const FIELDS = ['room', 'jobId', 'reason', 'position', 'waitedMs', 'lineCalls'];

export interface DigestLine {
  at: number;
  text: string;
}

/** The decision lines of one log (`[process] {pino json}` lines; anything else is skipped). */
export function decisionLines(log: string, source: string): DigestLine[] {
  const lines: DigestLine[] = [];
  for (const raw of log.split('\n')) {
    const match = /^\[([\w-]+)\] (\{.*\})\s*$/.exec(raw);
    if (match === null) continue;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(match[2]!) as Record<string, unknown>;
    } catch {
      continue;
    }
    const msg = typeof entry.msg === 'string' ? entry.msg : '';
    const level = typeof entry.level === 'number' ? entry.level : 30;
    const time = typeof entry.time === 'number' ? entry.time : undefined;
    if (time === undefined) continue;
    const process = match[1]!;
    if (!['switchboard', 'agent'].includes(process)) continue;
    // The agents' framework warns about event-loop delays by the dozen: counted, not listed.
    if (level < 40 && !DECISIONS.some((decision) => msg.startsWith(decision))) continue;
    if (msg.startsWith('event loop blocked')) continue;
    const fields = FIELDS.filter((field) => entry[field] !== undefined)
      .map(
        (field) =>
          `${field}=${RANDOM_ENDED.has(field) ? shorten(String(entry[field])) : String(entry[field])}`,
      )
      .join(' ');
    lines.push({
      at: time,
      text: `${source}/${process} ${msg.slice(0, 70)}${fields ? ` ${fields}` : ''}`,
    });
  }
  return lines;
}

const RANDOM_ENDED = new Set(['room', 'jobId']);

/** Room names and job ids end in a random part: its last 5 characters tell them apart. */
function shorten(value: string): string {
  return value.length > 12 ? `…${value.slice(-5)}` : value;
}

/** The digest of one failed file from its logs (by source name), at most `maxLines` (the last). */
export function digest(
  failed: FailedFile,
  logs: readonly { source: string; text: string }[],
  maxLines = 30,
): string[] {
  const lines = logs
    .flatMap(({ source, text }) => decisionLines(text, source))
    .sort((a, b) => a.at - b.at);
  const head = `${failed.scenario} failed (${failed.failedTests.join('; ')}): ${lines.length} decisions in its logs`;
  if (lines.length === 0) return [head];
  const start = lines[0]!.at;
  const shown = lines.slice(-maxLines);
  return [
    head + (shown.length < lines.length ? `, the last ${shown.length}` : ''),
    ...shown.map((line) => `  +${((line.at - start) / 1000).toFixed(3)}s ${line.text}`),
  ];
}

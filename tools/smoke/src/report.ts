// The smoke report as printed: the checks, the latency per turn, where the event sequence went,
// and its differences from the emulator's.
import type { EventDiff } from './event-diff.js';
import type { SmokeReport } from './smoke.js';

const ms = (value: number | undefined) => (value === undefined ? '-' : `${Math.round(value)}`);

export function formatDiff(diff: EventDiff, names: { baseline: string; actual: string }): string[] {
  if (diff.same) return ['  none'];
  const lines: string[] = [];
  for (const d of diff.directions) {
    const title = d.direction === 'client' ? 'sent by the plugin' : 'received by the plugin';
    if (d.order.length > 0) {
      lines.push(
        `  order of events ${title} (- only in ${names.baseline}, + only in ${names.actual}):`,
      );
      for (const step of d.order)
        lines.push(`    ${step.op === 'missing' ? '-' : '+'} ${step.step}`);
    }
    if (d.missingTypes.length > 0)
      lines.push(`  event types ${title} only in ${names.baseline}: ${d.missingTypes.join(', ')}`);
    if (d.extraTypes.length > 0)
      lines.push(`  event types ${title} only in ${names.actual}: ${d.extraTypes.join(', ')}`);
  }
  if (diff.shapes.length > 0) {
    lines.push(`  field shapes (kinds; "absent" = no such field):`);
    for (const s of diff.shapes)
      lines.push(
        `    ${s.direction} ${s.type}: ${s.path}: ${names.baseline} ${s.baseline || 'absent'}, ${names.actual} ${s.actual || 'absent'}`,
      );
  }
  return lines;
}

export function formatReport(report: SmokeReport): string {
  const lines = [
    `Smoke test, model: ${report.model === 'openai' ? 'OpenAI Realtime (real service)' : 'Realtime emulator (offline)'}: ${report.ok ? 'PASSED' : 'FAILED'}`,
    '',
    'Checks:',
    ...report.checks.map((c) => `  [${c.ok ? 'ok' : 'FAIL'}] ${c.name}: ${c.detail}`),
    '',
    'Latency per turn (ms; caller: 200 OK or end of speech -> first audible agent audio):',
    '  turn  what                                    caller  answer after tool  agent eos->audio  ttft  tool',
    ...report.turns.map(
      (t) =>
        `  ${String(t.turn).padEnd(4)}  ${t.what.slice(0, 38).padEnd(38)}  ${ms(t.firstAudibleMs).padStart(6)}  ${ms(t.answerAfterToolMs).padStart(17)}  ${ms(t.agentEndOfSpeechToFirstAudioMs).padStart(16)}  ${ms(t.ttftMs).padStart(4)}  ${ms(t.toolMs).padStart(4)}`,
    ),
    '',
    `Event sequence (the plugin's, LK_OPENAI_DEBUG=1): ${report.eventsFile} (${report.eventCounts.client} sent, ${report.eventCounts.server} received; input_audio_buffer.append is never logged)`,
    `Stack log: ${report.stackLog}`,
    '',
    `Differences from ${report.comparison.baseline} (${
      {
        'emulator-record':
          'event types in order only: the record keeps live objects the emulator fills in after sending',
        saved: 'saved by an earlier --model emulator run',
        'just-run': 'an emulator run just now',
      }[report.comparison.baselineSource]
    }):`,
    ...formatDiff(report.comparison.diff, {
      baseline: report.model === 'emulator' ? 'the emulator record' : 'emulator',
      actual: report.model === 'emulator' ? 'the plugin log' : 'openai',
    }),
  ];
  const failed = report.checks.filter((c) => !c.ok);
  if (failed.length > 0) lines.push('', ...failed.map((c) => `FAILED: ${c.name}: ${c.detail}`));
  return `${lines.join('\n')}\n`;
}

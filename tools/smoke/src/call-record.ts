// The agent's call record (agent/src/observability/README.md, "The call record"): the lines the
// smoke checks, read from CALLS_DIR. Model-agnostic: the same with the emulator and with OpenAI.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const toolCall = z.object({
  type: z.literal('tool_call'),
  at: z.number(),
  name: z.string(),
  args: z.unknown(),
  status: z.string(),
  result: z.unknown().optional(),
});
const turn = z.object({
  type: z.literal('turn'),
  at: z.number(),
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  interrupted: z.boolean().optional(),
});
const latency = z.object({
  type: z.literal('latency'),
  at: z.number(),
  turn: z.number(),
  endOfSpeechToFirstAudioMs: z.number().optional(),
  ttftMs: z.number().optional(),
  toolMs: z.number().optional(),
  eouDelayMs: z.number().optional(),
});
const line = z.discriminatedUnion('type', [toolCall, turn, latency]);

export type ToolCallLine = z.infer<typeof toolCall>;
export type TurnLine = z.infer<typeof turn>;
export type LatencyLine = z.infer<typeof latency>;
export type RecordLine = z.infer<typeof line>;

/** The lines of interest of one record file's text (others, and a torn last line, skipped). */
export function parseCallRecord(text: string): RecordLine[] {
  const out: RecordLine[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      continue;
    }
    const parsed = line.safeParse(value);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

/** Every record line under `callsDir` (the smoke's stack writes one call there). */
export function readCallRecords(callsDir: string): RecordLine[] {
  const files = readdirSync(callsDir, { recursive: true, encoding: 'utf8' }).filter((file) =>
    file.endsWith('.jsonl'),
  );
  return files.flatMap((file) => parseCallRecord(readFileSync(join(callsDir, file), 'utf8')));
}

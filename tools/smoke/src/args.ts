// `npm run smoke -- --model emulator|openai [--baseline FILE] [--out DIR]`, checked with zod. The
// real service needs OPENAI_API_KEY (the environment, or .env at the root as `npm start` reads it):
// without it the smoke stops before starting anything.
import { parseArgs } from 'node:util';
import { z } from 'zod';

export const USAGE = `Usage: npm run smoke -- --model emulator|openai [--baseline FILE] [--out DIR]
  --model emulator   the local Realtime emulator (offline; what CI runs)
  --model openai     the real OpenAI Realtime service (needs OPENAI_API_KEY)
  --baseline FILE    the emulator's event sequence to compare with (default: OUT/emulator.events.jsonl;
                     with --model openai and no such file, an emulator run makes it first)
  --out DIR          where the event sequences, the report and the stack's log go
                     (default: test-artifacts/smoke)`;

export class UsageError extends Error {}

const argsSchema = z.object({
  model: z.enum(['emulator', 'openai'], {
    error: (issue) =>
      issue.input === undefined
        ? '--model is required (emulator or openai)'
        : `--model must be emulator or openai, not ${JSON.stringify(issue.input)}`,
  }),
  baseline: z.string().min(1).optional(),
  out: z.string().min(1).default('test-artifacts/smoke'),
  help: z.boolean().default(false),
});

export type SmokeArgs = z.infer<typeof argsSchema> & {
  /** With --model openai: the key, for the agent only (never printed). */
  openaiApiKey?: string;
};

/**
 * Parses the command line. `env` is the environment, `dotEnv` the root .env's variables (if any);
 * an OPENAI_API_KEY in the environment wins, as with `npm start`.
 */
export function parseSmokeArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  dotEnv: Readonly<Record<string, string | undefined>> = {},
): SmokeArgs {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        model: { type: 'string' },
        baseline: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help === true) return { model: 'emulator', out: 'test-artifacts/smoke', help: true };
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success)
    throw new UsageError(`${parsed.error.issues.map((i) => i.message).join('; ')}\n${USAGE}`);
  if (parsed.data.model !== 'openai') return parsed.data;
  const key = (env.OPENAI_API_KEY || dotEnv.OPENAI_API_KEY || '').trim();
  if (key === '')
    throw new UsageError(
      '--model openai needs OPENAI_API_KEY: set it in the environment or in .env (the real OpenAI Realtime service is called with it)',
    );
  return { ...parsed.data, openaiApiKey: key };
}

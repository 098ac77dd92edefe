import { describe, expect, it } from 'vitest';
import { parseSmokeArgs, UsageError } from './args.js';

describe('parseSmokeArgs', () => {
  it('takes --model emulator with the default output folder', () => {
    expect(parseSmokeArgs(['--model', 'emulator'], {})).toEqual({
      model: 'emulator',
      out: 'test-artifacts/smoke',
      help: false,
    });
  });

  it('refuses a missing or unknown model, and unknown flags', () => {
    expect(() => parseSmokeArgs([], {})).toThrow(/--model is required/);
    expect(() => parseSmokeArgs(['--model', 'gpt'], {})).toThrow(
      /--model must be emulator or openai, not "gpt"/,
    );
    expect(() => parseSmokeArgs(['--model', 'emulator', '--turns', '3'], {})).toThrow(UsageError);
  });

  it('fails at once for --model openai without OPENAI_API_KEY, naming the variable', () => {
    expect(() => parseSmokeArgs(['--model', 'openai'], {})).toThrow(
      /--model openai needs OPENAI_API_KEY/,
    );
    expect(() => parseSmokeArgs(['--model', 'openai'], { OPENAI_API_KEY: ' ' })).toThrow(
      /OPENAI_API_KEY/,
    );
  });

  it('takes the key from the environment before .env', () => {
    expect(
      parseSmokeArgs(['--model', 'openai'], { OPENAI_API_KEY: 'sk-env' }, { OPENAI_API_KEY: 'x' }),
    ).toMatchObject({ model: 'openai', openaiApiKey: 'sk-env' });
    expect(
      parseSmokeArgs(
        ['--model', 'openai', '--baseline', 'b.jsonl'],
        {},
        { OPENAI_API_KEY: 'sk-file' },
      ),
    ).toMatchObject({ openaiApiKey: 'sk-file', baseline: 'b.jsonl' });
  });

  it('answers --help without a model', () => {
    expect(parseSmokeArgs(['--help'], {}).help).toBe(true);
  });
});

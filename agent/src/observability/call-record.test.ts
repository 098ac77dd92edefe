import {
  appendFile,
  chmod,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  callRecordPath,
  createCallRecorder,
  maskPhone,
  readCallRecord,
  type CallRecordEntry,
} from './call-record.js';
import { FakeLogger } from '../testing/fake-logger.js';

const STARTED_AT = Date.UTC(2026, 10, 20, 23, 59, 30); // 2026-11-20T23:59:30Z

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'call-record-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
});

const turn = (index: number, text: string): CallRecordEntry => ({
  type: 'turn',
  at: STARTED_AT + index * 1000,
  index,
  role: index % 2 === 1 ? 'user' : 'assistant',
  text,
  interrupted: false,
  itemId: `item_${index}`,
  createdAt: STARTED_AT + index * 1000,
});

describe('maskPhone', () => {
  it('keeps only the last two digits', () => {
    expect(maskPhone('+14155550100')).toBe('**********00');
    expect(maskPhone('+1 (415) 555-0100')).toBe('**********00');
    expect(maskPhone('+442071838750')).toBe('***********50');
  });

  it('masks a string too short to be a phone number entirely', () => {
    expect(maskPhone('+123')).toBe('****');
    expect(maskPhone('')).toBe('*');
  });
});

describe('createCallRecorder', () => {
  it('writes one file per call under the UTC day of its start', async () => {
    const logger = new FakeLogger();
    const recorder = createCallRecorder({
      dir,
      callId: 'SCL_abc123',
      startedAt: STARTED_AT,
      kind: 'sip',
      callerNumberMasked: maskPhone('+14155550100'),
      logger,
    });
    await recorder.end('participant_disconnected', STARTED_AT + 65_000);

    expect(recorder.path).toBe(join(dir, '2026-11-20', 'SCL_abc123.jsonl'));
    expect(await readdir(dir)).toEqual(['2026-11-20']);
    expect(await readdir(join(dir, '2026-11-20'))).toEqual(['SCL_abc123.jsonl']);
    const text = await readFile(recorder.path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(
      text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([
      {
        type: 'call_started',
        v: 1,
        at: STARTED_AT,
        callId: 'SCL_abc123',
        kind: 'sip',
        startedAt: STARTED_AT,
        callerNumberMasked: '**********00',
      },
      {
        type: 'call_ended',
        at: STARTED_AT + 65_000,
        reason: 'participant_disconnected',
        durationMs: 65_000,
      },
    ]);
    expect(text).not.toContain('4155550100');
    expect(logger.entries).toEqual([]);
  });

  it('leaves a readable partial record after every event', async () => {
    const recorder = createCallRecorder({
      dir,
      callId: 'room-web-1',
      startedAt: STARTED_AT,
      kind: 'web',
      logger: new FakeLogger(),
    });
    await recorder.flush();
    expect((await readCallRecord(recorder.path)).map((line) => line.type)).toEqual([
      'call_started',
    ]);

    recorder.append(turn(1, 'Where is my order?'));
    await recorder.flush();
    expect((await readCallRecord(recorder.path)).map((line) => line.type)).toEqual([
      'call_started',
      'turn',
    ]);

    recorder.append({
      type: 'tool_call',
      at: STARTED_AT + 1500,
      turn: 1,
      callId: 'call_1',
      name: 'get_order_status',
      args: { order_id: 'O9002' },
      startedAt: STARTED_AT + 1200,
      durationMs: 300,
      status: 'ok',
      result: { order_status: 'Shipped' },
      source: 'toolset',
    });
    await recorder.flush();
    const afterTool = await readCallRecord(recorder.path);
    expect(afterTool.map((line) => line.type)).toEqual(['call_started', 'turn', 'tool_call']);
    expect(afterTool[2]).toMatchObject({ args: { order_id: 'O9002' }, durationMs: 300 });

    recorder.append({
      type: 'latency',
      at: STARTED_AT + 3000,
      turn: 1,
      endOfSpeechAt: STARTED_AT + 1000,
      firstAudioAt: STARTED_AT + 2100,
      endOfSpeechToFirstAudioMs: 1100,
      toolMs: 300,
      toolCalls: 1,
    });
    await recorder.end('user_initiated', STARTED_AT + 4000);
    const lines = await readCallRecord(recorder.path);
    expect(lines.map((line) => line.type)).toEqual([
      'call_started',
      'turn',
      'tool_call',
      'latency',
      'call_ended',
    ]);
    expect(lines[4]).toEqual({
      type: 'call_ended',
      at: STARTED_AT + 4000,
      reason: 'user_initiated',
      durationMs: 4000,
    });
  });

  it('keeps lines whole and in order when many are appended at once', async () => {
    const recorder = createCallRecorder({
      dir,
      callId: 'burst',
      startedAt: STARTED_AT,
      kind: 'web',
      logger: new FakeLogger(),
    });
    const long = 'x'.repeat(20_000);
    for (let index = 1; index <= 50; index += 1) recorder.append(turn(index, `${index} ${long}`));
    await recorder.end('done', STARTED_AT + 1);
    const lines = await readCallRecord(recorder.path);
    expect(lines).toHaveLength(52);
    expect(lines.slice(1, 51).map((line) => (line.type === 'turn' ? line.index : -1))).toEqual(
      Array.from({ length: 50 }, (_, index) => index + 1),
    );
  });

  it('drops lines appended after the end', async () => {
    const logger = new FakeLogger();
    const recorder = createCallRecorder({
      dir,
      callId: 'late',
      startedAt: STARTED_AT,
      kind: 'web',
      logger,
    });
    const ended = recorder.end('done', STARTED_AT + 10);
    expect(recorder.end('again')).toBe(ended);
    recorder.append(turn(1, 'too late'));
    await ended;
    await recorder.flush();
    expect((await readCallRecord(recorder.path)).map((line) => line.type)).toEqual([
      'call_started',
      'call_ended',
    ]);
    expect(logger.at('debug')).toHaveLength(1);
  });

  it('writes the caller ID decision (trusted or not, and why) on the start line, never the number', async () => {
    const recorder = createCallRecorder({
      dir,
      callId: 'SCL_decision',
      startedAt: STARTED_AT,
      kind: 'sip',
      callerNumberMasked: maskPhone('+14155550100'),
      callerId: { trusted: false, reason: 'not_attested' },
      logger: new FakeLogger(),
    });
    await recorder.end('participant_disconnected', STARTED_AT + 1_000);
    const [started] = await readCallRecord(recorder.path);
    expect(started).toMatchObject({
      type: 'call_started',
      callerId: { trusted: false, reason: 'not_attested' },
    });
    expect(await readFile(recorder.path, 'utf8')).not.toContain('4155550100');
  });

  it('writes how long a caller waited in the call queue, when they did', async () => {
    const recorder = createCallRecorder({
      dir,
      callId: 'SCL_queued',
      startedAt: STARTED_AT,
      kind: 'sip',
      queue: { waitedMs: 12_345, position: 2 },
      logger: new FakeLogger(),
    });
    await recorder.end('participant_disconnected', STARTED_AT + 1_000);
    const [started] = await readCallRecord(recorder.path);
    expect(started).toMatchObject({ queue: { waitedMs: 12_345, position: 2 } });
  });

  it('logs, and never throws, when the folder cannot be created', async () => {
    const notADir = join(dir, 'calls');
    await writeFile(notADir, 'a file where the records folder should be');
    const logger = new FakeLogger();
    const recorder = createCallRecorder({
      dir: notADir,
      callId: 'SCL_1',
      startedAt: STARTED_AT,
      kind: 'sip',
      callerNumberMasked: '**********00',
      logger,
    });
    expect(() => recorder.append(turn(1, 'my email is ana.garcia@example.com'))).not.toThrow();
    await expect(recorder.end('participant_disconnected', STARTED_AT + 5)).resolves.toBe(undefined);

    const errors = logger.at('error');
    expect(errors.map((entry) => entry.msg)).toEqual([
      'call record write failed',
      'call record is incomplete',
    ]);
    expect(errors[0]?.obj).toMatchObject({
      callId: 'SCL_1',
      what: 'mkdir',
      err: { code: 'EEXIST' },
    });
    expect(errors[1]?.obj).toMatchObject({ failedWrites: 4 });
    // Nothing from the call's content reaches the log.
    expect(logger.dump()).not.toContain('example.com');
    expect(logger.dump()).not.toContain('my email');
  });

  it.each(['000', '022', '277'])(
    'keeps records 0600 in 0700 folders under umask %s, even in folders made looser before',
    async (mask) => {
      const umask = Number.parseInt(mask, 8);
      const calls = join(dir, 'calls');
      const day = join(calls, '2026-11-20');
      const earlier = join(day, 'SCL_earlier.jsonl');
      await mkdir(day, { recursive: true });
      await writeFile(earlier, '');
      await chmod(calls, 0o777);
      await chmod(day, 0o755);
      const previous = process.umask(umask);
      try {
        const logger = new FakeLogger();
        const recorder = createCallRecorder({
          dir: calls,
          callId: 'SCL_earlier',
          startedAt: STARTED_AT,
          kind: 'sip',
          logger,
        });
        recorder.append(turn(1, 'hello'));
        await recorder.end('participant_disconnected', STARTED_AT + 5);
        const other = createCallRecorder({
          dir: calls,
          callId: 'SCL_next_day',
          startedAt: STARTED_AT + 60_000,
          kind: 'web',
          logger,
        });
        await other.end('participant_disconnected', STARTED_AT + 65_000);
        expect(logger.at('error')).toEqual([]);

        const mode = async (path: string) => (await stat(path)).mode & 0o777;
        expect(await mode(calls)).toBe(0o700);
        expect(await mode(day)).toBe(0o700);
        expect(await mode(join(calls, '2026-11-21'))).toBe(0o700);
        expect(await mode(recorder.path)).toBe(0o600);
        expect(await mode(other.path)).toBe(0o600);
        expect(await readCallRecord(recorder.path)).toHaveLength(3);
      } finally {
        process.umask(previous);
      }
    },
  );

  it('keeps a hostile call id inside the day folder', async () => {
    const path = callRecordPath(dir, '../../etc/passwd', STARTED_AT);
    expect(path).toBe(join(dir, '2026-11-20', '_.._.._etc_passwd.jsonl'));
    expect(callRecordPath(dir, '', STARTED_AT)).toBe(join(dir, '2026-11-20', '_.jsonl'));
  });
});

describe('readCallRecord', () => {
  it('skips a torn last line and rejects a malformed one in the middle', async () => {
    const recorder = createCallRecorder({
      dir,
      callId: 'crash',
      startedAt: STARTED_AT,
      kind: 'web',
      logger: new FakeLogger(),
    });
    recorder.append(turn(1, 'hello'));
    await recorder.flush();
    // The worker died while writing the next line.
    await appendFile(recorder.path, '{"type":"turn","at":17');
    expect((await readCallRecord(recorder.path)).map((line) => line.type)).toEqual([
      'call_started',
      'turn',
    ]);

    await appendFile(recorder.path, '\n{"type":"call_ended","at":1,"reason":"x","durationMs":1}\n');
    await expect(readCallRecord(recorder.path)).rejects.toThrow(/:3: not a JSON line/);
  });

  it('rejects a line that is not a record line', async () => {
    const path = join(dir, 'other.jsonl');
    await writeFile(path, '{"hello":"world"}\n');
    await expect(readCallRecord(path)).rejects.toThrow(/:1: not a call record line/);
  });
});

import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingLogger } from '../testing/recording-logger.js';
import { ManualClock } from '../testing/manual-clock.js';
import { createRecordRetention } from './record-retention.js';

const DAY_MS = 24 * 60 * 60 * 1000;
// 2026-12-05T08:00:00Z
const NOW = Date.UTC(2026, 11, 5, 8);

let root: string;
let calls: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'record-retention-'));
  calls = join(root, 'calls');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true, maxRetries: 3 });
});

async function record(day: string, name = 'SCL_1.jsonl'): Promise<void> {
  await mkdir(join(calls, day), { recursive: true });
  await writeFile(join(calls, day, name), '{"type":"call_started"}\n');
}

const list = async (path: string): Promise<string[]> => (await readdir(path)).sort();

describe('createRecordRetention', () => {
  it('deletes the days whose every call started more than the retention ago, and keeps the rest', async () => {
    // With 30 days on 2026-12-05 08:00: 2026-11-04 ended 31 days ago (its latest call started
    // more than 30 days ago); 2026-11-05's calls may be only 30 days less 8 hours old.
    await record('2026-11-04');
    await record('2026-11-04', 'SCL_2.jsonl');
    await record('2025-01-01');
    await record('2026-11-05');
    await record('2026-12-05');
    const { logger, lines } = recordingLogger();
    const clock = new ManualClock(NOW);
    const retention = createRecordRetention({
      callsDir: calls,
      retentionDays: 30,
      logger,
      now: clock.read,
    });

    await expect(retention.purge()).resolves.toEqual({ days: 2, records: 3 });
    expect(await list(calls)).toEqual(['2026-11-05', '2026-12-05']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('expired call records purged');

    // A day later, 2026-11-05 has expired too.
    clock.advance(DAY_MS);
    await expect(retention.purge()).resolves.toEqual({ days: 1, records: 1 });
    expect(await list(calls)).toEqual(['2026-12-05']);
  });

  it('touches only the day folders and record files the recorder makes', async () => {
    await record('2026-01-01');
    await writeFile(join(calls, '2026-01-01', 'notes.txt'), 'an admin kept this');
    await mkdir(join(calls, 'archive-2026-01-02'), { recursive: true });
    await mkdir(join(calls, '2026-02-30'), { recursive: true });
    await writeFile(join(calls, '2026-01-03'), 'a file, not a folder');
    const elsewhere = join(root, 'elsewhere');
    await mkdir(elsewhere);
    await writeFile(join(elsewhere, 'SCL_9.jsonl'), 'not ours');
    await symlink(elsewhere, join(calls, '2026-01-04'));
    const { logger, lines } = recordingLogger();

    const retention = createRecordRetention({
      callsDir: calls,
      retentionDays: 1,
      logger,
      now: () => NOW,
    });
    await expect(retention.purge()).resolves.toEqual({ days: 0, records: 1 });
    expect(await list(calls)).toEqual([
      '2026-01-01',
      '2026-01-03',
      '2026-01-04',
      '2026-02-30',
      'archive-2026-01-02',
    ]);
    expect(await list(join(calls, '2026-01-01'))).toEqual(['notes.txt']);
    expect(await list(elsewhere)).toEqual(['SCL_9.jsonl']);
    expect(lines.join('\n')).toContain('other files kept in the folder');
  });

  it('does nothing, quietly, before any call was recorded', async () => {
    const { logger, lines } = recordingLogger();
    const retention = createRecordRetention({
      callsDir: calls,
      retentionDays: 30,
      logger,
      now: () => NOW,
    });
    await expect(retention.purge()).resolves.toEqual({ days: 0, records: 0 });
    expect(lines).toEqual([]);
  });

  it('purges at start and then on every interval until stopped', async () => {
    await record('2026-01-01');
    const { logger } = recordingLogger();
    const clock = new ManualClock(NOW);
    const retention = createRecordRetention({
      callsDir: calls,
      retentionDays: 30,
      logger,
      now: clock.read,
      intervalMs: 20,
    });
    retention.start();
    await expect.poll(() => list(calls)).toEqual([]);
    await record('2026-11-20');
    clock.advance(30 * DAY_MS);
    await expect.poll(() => list(calls)).toEqual([]);
    retention.stop();
    await record('2026-11-21');
    clock.advance(30 * DAY_MS);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await list(calls)).toEqual(['2026-11-21']);
  });

  it('refuses 0 (forever: main.ts does not start it then), negative and part days', () => {
    const { logger } = recordingLogger();
    for (const retentionDays of [0, -1, 1.5]) {
      expect(() => createRecordRetention({ callsDir: calls, retentionDays, logger })).toThrow(
        RangeError,
      );
    }
  });
});

import { describe, expect, it } from 'vitest';
import { decisionLines, digest, failedFiles } from './failure-digest.js';

const pino = (process: string, entry: Record<string, unknown>) =>
  `[${process}] ${JSON.stringify({ level: 30, pid: 1, hostname: 'vm', ...entry })}`;

describe('failure digest', () => {
  it('names the failed files and their failed tests from the vitest report', () => {
    const report = {
      testResults: [
        { name: '/x/e2e/src/scenarios/burst.test.ts', status: 'passed', assertionResults: [] },
        {
          name: '/x/e2e/src/scenarios/call-queue.test.ts',
          status: 'failed',
          assertionResults: [
            { title: 'queues', status: 'failed' },
            { title: 'other', status: 'passed' },
          ],
        },
      ],
    };
    expect(failedFiles(report)).toEqual([{ scenario: 'call-queue', failedTests: ['queues'] }]);
  });

  it("keeps the switchboard's and agents' decisions and warnings, not chatter or other processes", () => {
    const log = [
      '[redis] 29432:M * Ready to accept connections',
      pino('livekit', { time: 1, msg: 'call admitted' }),
      pino('switchboard', {
        time: 1_000,
        msg: 'call admitted',
        room: 'call-_+15550100_NSPp5vfBMNJw',
        lineCalls: 3,
      }),
      pino('switchboard', { time: 1_100, msg: 'webhook received' }),
      pino('agent', { time: 1_200, level: 40, msg: 'event loop blocked; move it' }),
      pino('agent', { time: 1_300, level: 40, msg: 'tool failed', tool: 'x' }),
      pino('switchboard', {
        time: 2_500,
        msg: 'every agent is busy; queueing the caller',
        waitedMs: 1_204,
      }),
      '[switchboard] {not json',
    ].join('\n');
    expect(decisionLines(log, 'stack').map((line) => line.text)).toEqual([
      'stack/switchboard call admitted room=…BMNJw lineCalls=3',
      'stack/agent tool failed',
      'stack/switchboard every agent is busy; queueing the caller waitedMs=1204',
    ]);
  });

  it('merges the logs in time order from the first decision, keeping the last lines', () => {
    const stack = pino('switchboard', { time: 10_000, msg: 'call admitted' });
    const worker = [
      pino('agent', { time: 10_500, msg: 'received job request', jobId: 'AJ_GreAuRJ9RkhV' }),
      pino('agent', { time: 12_250, msg: 'call started' }),
    ].join('\n');
    const lines = digest(
      { scenario: 'worker-hosts', failedTests: ['a', 'b'] },
      [
        { source: 'stack', text: stack },
        { source: 'worker-a', text: worker },
      ],
      2,
    );
    expect(lines).toEqual([
      'worker-hosts failed (a; b): 3 decisions in its logs, the last 2',
      '  +0.500s worker-a/agent received job request jobId=…9RkhV',
      '  +2.250s worker-a/agent call started',
    ]);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './commands.js';
import type { Output } from './format.js';
import { ServerRequestError } from './model.js';
import { createFakeSipClient, type FakeSipClient } from './testing/fake-sip-client.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PASSWORD = 'cli-test-password-7';
const API_SECRET = 'api-secret-0123456789abcdef0123456789';
const ENV = {
  INIT_CWD: ROOT,
  LIVEKIT_URL: 'ws://127.0.0.1:7880',
  LIVEKIT_API_KEY: 'devkey',
  LIVEKIT_API_SECRET: API_SECRET,
  SIP_USERNAME: 'devcaller',
  SIP_PASSWORD: PASSWORD,
};

async function run(
  argv: string[],
  options: { env?: Record<string, string | undefined>; client?: FakeSipClient } = {},
) {
  const client = options.client ?? createFakeSipClient();
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { out: (line) => out.push(line), err: (line) => err.push(line) };
  const code = await runCli(argv, {
    env: options.env ?? ENV,
    cwd: ROOT,
    output,
    createClient: () => client,
    now: () => new Date('2026-11-25T10:20:30Z'),
  });
  return { code, out: out.join('\n'), err: err.join('\n'), client };
}

function tempFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sip-cli-')), 'trunks.yaml');
  writeFileSync(file, text);
  return file;
}

describe('runCli', () => {
  it('plans, applies, then finds nothing to do, never printing secrets', async () => {
    const client = createFakeSipClient();
    const plan = await run(['plan'], { client });
    expect(plan.code).toBe(0);
    expect(plan.out).toContain('Plan for sip/trunks.yaml against http://127.0.0.1:7880:');
    expect(plan.out).toContain('3 to create, 0 to update, 0 to delete, 0 unchanged.');
    expect(client.calls).toEqual([]);

    const apply = await run(['apply'], { client });
    expect(apply.code).toBe(0);
    expect(apply.out).toContain('Done: 3 created, 0 updated, 0 deleted, 0 unchanged.');
    expect(client.rules[0]?.agentNames).toEqual(['ecommerce-support']);

    const again = await run(['apply'], { client });
    expect(again.out).toBe(
      'No changes: the server already matches sip/trunks.yaml (3 objects unchanged).',
    );
    const list = await run(['list'], { client });
    expect(list.out).toContain('auth: devcaller / ***');
    for (const result of [plan, apply, again, list]) {
      expect(result.out + result.err).not.toContain(PASSWORD);
      expect(result.out + result.err).not.toContain(API_SECRET);
    }
  });

  it('warns, in plan and apply, about a hand-made catch-all rule', async () => {
    const client = createFakeSipClient({
      rules: [
        {
          id: 'SDR_hand',
          name: 'everything',
          metadata: '',
          rule: { type: 'direct', roomName: 'lobby', pin: '' },
          trunkIds: [],
          agentNames: [],
        },
      ],
    });
    for (const command of ['plan', 'apply']) {
      const result = await run([command], { client });
      expect(result.code).toBe(0);
      expect(result.out).toContain(
        '  ! dispatch rule "everything" (SDR_hand), not created by this tool, catches none of our numbers:',
      );
      expect(result.out).toContain(
        'it lets in, without any credentials, every call to a number no trunk has.',
      );
      expect(result.out).toContain('`npm run sip -- delete SDR_hand`');
    }
  });

  it('dispatches the agent named by AGENT_NAME', async () => {
    const { client } = await run(['apply'], { env: { ...ENV, AGENT_NAME: 'staging-agent' } });
    expect(client.rules[0]?.agentNames).toEqual(['staging-agent']);
  });

  it('fails with exit code 1, naming an unset variable, before contacting the server', async () => {
    const { code, err, client } = await run(['apply'], {
      env: { ...ENV, SIP_PASSWORD: undefined },
    });
    expect(code).toBe(1);
    expect(err).toMatch(/^sip\/trunks\.yaml:19:17: environment variable SIP_PASSWORD is not set/);
    expect(err).toContain('1 problem in the trunks file; nothing was sent to the server.');
    expect(client.calls).toEqual([]);
  });

  it('validates the file even without a server configured', async () => {
    const { code, err } = await run(['plan'], { env: { ...ENV, LIVEKIT_URL: undefined } });
    expect(code).toBe(1);
    expect(err).toBe(
      'sip/trunks.yaml is valid, but the server cannot be compared with it: LIVEKIT_URL is not set (like http://127.0.0.1:7880 or wss://livekit.example.com)',
    );
  });

  it('refuses to apply a plan that would take over an unmanaged object', async () => {
    const client = createFakeSipClient({
      inbound: [
        {
          id: 'ST_hand',
          name: 'dev-inbound',
          metadata: '',
          numbers: ['+15550100'],
          allowedAddresses: [],
          allowedNumbers: [],
          auth: { username: 'x', password: 'hand-made-password' },
          krisp: false,
          mediaEncryption: 'disable',
        },
      ],
    });
    const { code, out } = await run(['apply'], { client });
    expect(code).toBe(1);
    expect(out).toContain('The plan cannot be applied:');
    expect(out).not.toContain('hand-made-password');
    expect(client.calls).toEqual([]);
  });

  it('reports a failed apply with what was done, masking secrets in server messages', async () => {
    const client = createFakeSipClient();
    client.failNext = {
      method: 'createDispatchRule',
      error: new ServerRequestError(`LiveKit answered 400: bad trunk with password ${PASSWORD}`),
    };
    const { code, err } = await run(['apply'], { client });
    expect(code).toBe(1);
    expect(err).toContain('  + created inbound trunk "dev-inbound" (ST_fake1)');
    expect(err).toContain(
      'Error: creating dispatch rule "dev-agent" failed: LiveKit answered 400: bad trunk with password ***',
    );
    expect(err).not.toContain(PASSWORD);
  });

  it('deletes by ID, and says when the ID does not exist', async () => {
    const { client } = await run(['apply']);
    const id = client.rules[0]!.id;
    const deleted = await run(['delete', id], { client });
    expect(deleted.code).toBe(0);
    expect(deleted.out).toContain(`Deleted dispatch rule "dev-agent" (${id}).`);
    expect(client.rules).toEqual([]);
    const missing = await run(['delete', id], { client });
    expect(missing.code).toBe(1);
    expect(missing.err).toBe(
      `No SIP trunk or dispatch rule with ID ${id} on http://127.0.0.1:7880.`,
    );
  });

  it('places a test call through the only outbound trunk, into a new room', async () => {
    const { client } = await run(['apply']);
    const { code, out } = await run(['call', '+15550123', '--agent'], { client });
    expect(code).toBe(0);
    expect(client.dials).toEqual([
      {
        trunkId: client.outbound[0]!.id,
        number: '+15550123',
        room: 'sip-test-20261125T102030',
        fromNumber: undefined,
        agentName: 'ecommerce-support',
        ringingSeconds: 30,
      },
    ]);
    expect(out).toContain('Answered: participant sip-test-callee in room sip-test-20261125T102030');
  });

  it('asks for --trunk when the choice is ambiguous or wrong', async () => {
    const client = createFakeSipClient();
    expect((await run(['call', '+15550123'], { client })).err).toBe(
      'Choose the outbound trunk with --trunk NAME (on the server: none).',
    );
    expect((await run(['call', '+15550123', '--trunk', 'nope'], { client })).code).toBe(1);
  });

  it('reads a FILE relative to INIT_CWD and reports its errors with lines', async () => {
    const file = tempFile("inbound:\n  - name: x\n    numbers: ['+1']\n");
    const { code, err } = await run(['plan', 'trunks.yaml'], {
      env: { ...ENV, INIT_CWD: join(file, '..') },
    });
    expect(code).toBe(1);
    expect(err).toContain('trunks.yaml:2:5: inbound[0]: an inbound trunk needs digest credentials');
    expect(err).toContain('trunks.yaml:3:15: inbound[0].numbers[0]: must be an E.164 number');
  });
});

describe('npm run sip (the process)', () => {
  it('exits 1 with file:line errors, 0 for help', () => {
    const file = tempFile(
      'dispatchRules:\n  - name: r\n    type: individual\n    roomPrefix: call-\n    trunks: [nope]\n',
    );
    const env = { ...process.env, ...ENV, INIT_CWD: ROOT };
    const bad = spawnSync('npm', ['run', '--silent', 'sip', '-w', 'sip', '--', 'plan', file], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(
      `${file}:5:14: dispatchRules[0].trunks[0]: no inbound trunk named "nope" in this file`,
    );
    const help = spawnSync('npm', ['run', '--silent', 'sip', '-w', 'sip', '--', 'help'], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
    });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: npm run sip -- COMMAND');
  });
});

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_TRUNKS_FILE,
  agentName,
  loadConnection,
  parseCommand,
} from './config.js';

// The repository this test runs in (CI clones it elsewhere).
const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const CWD = `${ROOT}/sip`;

describe('parseCommand', () => {
  it('defaults FILE to sip/trunks.yaml', () => {
    expect(parseCommand(['plan'], { INIT_CWD: ROOT }, CWD)).toEqual({
      name: 'plan',
      file: DEFAULT_TRUNKS_FILE,
      displayFile: 'sip/trunks.yaml',
    });
  });

  it('reads a relative FILE from where npm was started (INIT_CWD)', () => {
    expect(parseCommand(['apply', 'my.yaml'], { INIT_CWD: '/srv/config' }, CWD)).toEqual({
      name: 'apply',
      file: '/srv/config/my.yaml',
      displayFile: 'my.yaml',
    });
    expect(parseCommand(['apply', 'my.yaml'], {}, '/tmp')).toMatchObject({ file: '/tmp/my.yaml' });
    expect(parseCommand(['plan', '/abs/t.yaml'], { INIT_CWD: '/srv' }, CWD)).toMatchObject({
      file: '/abs/t.yaml',
      displayFile: '/abs/t.yaml',
    });
  });

  it('parses list, delete and call', () => {
    expect(parseCommand(['list'], {}, CWD)).toEqual({ name: 'list' });
    expect(parseCommand(['delete', 'ST_abc123'], {}, CWD)).toEqual({
      name: 'delete',
      id: 'ST_abc123',
    });
    expect(
      parseCommand(
        ['call', '+15550123', '--trunk', 'dev-transfer', '--room', 'r1', '--agent'],
        {},
        CWD,
      ),
    ).toEqual({
      name: 'call',
      number: '+15550123',
      trunk: 'dev-transfer',
      room: 'r1',
      from: undefined,
      agent: true,
      ringSeconds: 30,
    });
  });

  it('shows usage for help or no command', () => {
    expect(parseCommand([], {}, CWD)).toEqual({ name: 'help' });
    expect(parseCommand(['--help'], {}, CWD)).toEqual({ name: 'help' });
  });

  it('rejects bad commands and arguments with a clear message', () => {
    const bad = (argv: string[]) => () => parseCommand(argv, {}, CWD);
    expect(bad(['frobnicate'])).toThrow('Unknown command "frobnicate"');
    expect(bad(['delete'])).toThrow('delete needs the ID of a trunk (ST_...) or dispatch rule');
    expect(bad(['delete', 'rm -rf'])).toThrow(ConfigError);
    expect(bad(['list', 'extra'])).toThrow('Too many arguments for list');
    expect(bad(['plan', '--trunk', 'x'])).toThrow('--trunk only applies to the call command');
    expect(bad(['call'])).toThrow('call needs the number to dial');
    expect(bad(['call', 'sip:a@b'])).toThrow('not a SIP URI');
    expect(bad(['call', '+15550100', '--ring', '0'])).toThrow('--ring must be');
    expect(bad(['call', '+15550100', '--from', '555'])).toThrow('--from must be an E.164');
    expect(bad(['plan', '--nope'])).toThrow(/Unknown option '--nope'/);
  });
});

describe('loadConnection', () => {
  const keys = { LIVEKIT_API_KEY: 'devkey', LIVEKIT_API_SECRET: 'secret' };

  it('turns ws(s):// into http(s):// for the SDK', () => {
    expect(loadConnection({ ...keys, LIVEKIT_URL: 'ws://127.0.0.1:7880/' })).toEqual({
      url: 'http://127.0.0.1:7880',
      apiKey: 'devkey',
      apiSecret: 'secret',
    });
    expect(loadConnection({ ...keys, LIVEKIT_URL: 'wss://lk.example.com' }).url).toBe(
      'https://lk.example.com',
    );
    expect(loadConnection({ ...keys, LIVEKIT_URL: 'https://lk.example.com' }).url).toBe(
      'https://lk.example.com',
    );
  });

  it('names the missing or malformed variable', () => {
    expect(() => loadConnection(keys)).toThrow('LIVEKIT_URL is not set');
    expect(() => loadConnection({ ...keys, LIVEKIT_URL: 'localhost:7880' })).toThrow(
      'LIVEKIT_URL must be an http(s):// or ws(s):// URL',
    );
    expect(() => loadConnection({ LIVEKIT_URL: 'ws://x', LIVEKIT_API_SECRET: 's' })).toThrow(
      'LIVEKIT_API_KEY is not set',
    );
    expect(() => loadConnection({ LIVEKIT_URL: 'ws://x', LIVEKIT_API_KEY: 'k' })).toThrow(
      'LIVEKIT_API_SECRET is not set',
    );
  });
});

describe('agentName', () => {
  it('follows AGENT_NAME like the worker, else the shared default', () => {
    expect(agentName({})).toBe('ecommerce-support');
    expect(agentName({ AGENT_NAME: ' ' })).toBe('ecommerce-support');
    expect(agentName({ AGENT_NAME: 'staging-agent' })).toBe('staging-agent');
  });
});

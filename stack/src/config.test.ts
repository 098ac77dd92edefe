import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  loadConfig,
  loadWorkerConfig,
  parseRole,
  plainHttpWarning,
} from './config.js';

const SECRETS = {
  LIVEKIT_API_KEY: 'APIkey',
  LIVEKIT_API_SECRET: 'secret',
  MCP_AUTH_TOKEN: 'token',
  SIP_USERNAME: 'devcaller',
  SIP_PASSWORD: 'a-long-dev-password',
  REDIS_PASSWORD: 'a-long-redis-password',
};
const noIp = () => undefined;

describe('loadConfig', () => {
  it('reads the secrets and STACK_IP, frozen', () => {
    const config = loadConfig({ ...SECRETS, STACK_IP: '10.77.0.1' }, { offline: true });
    expect(config).toMatchObject({ ip: '10.77.0.1', offline: true, secrets: SECRETS });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.secrets)).toBe(true);
  });

  it('falls back to the machine address when STACK_IP is empty', () => {
    const config = loadConfig(
      { ...SECRETS, STACK_IP: '' },
      { offline: true, defaultIp: () => '192.0.2.7' },
    );
    expect(config.ip).toBe('192.0.2.7');
  });

  it.each(Object.keys(SECRETS))('names %s when it is missing or blank', (name) => {
    for (const value of [undefined, '  ']) {
      const env = { ...SECRETS, STACK_IP: '10.77.0.1', [name]: value };
      expect(() => loadConfig(env, { offline: true })).toThrow(
        expect.objectContaining({ name: 'ConfigError', variable: name }),
      );
    }
  });

  it('names STACK_IP when there is no address or a bad one', () => {
    expect(() => loadConfig(SECRETS, { offline: true, defaultIp: noIp })).toThrow(
      /^STACK_IP: no non-loopback/,
    );
    expect(() => loadConfig({ ...SECRETS, STACK_IP: 'example.org' }, { offline: true })).toThrow(
      ConfigError,
    );
  });

  it('needs an OpenAI key (or Azure) unless offline', () => {
    const env = { ...SECRETS, STACK_IP: '10.77.0.1' };
    expect(() => loadConfig(env, { offline: false })).toThrow(/^OPENAI_API_KEY: is not set/);
    expect(loadConfig({ ...env, OPENAI_API_KEY: 'sk-x' }, { offline: false }).offline).toBe(false);
    expect(loadConfig({ ...env, AZURE_OPENAI_ENDPOINT: 'https://x' }, { offline: false }).ip).toBe(
      '10.77.0.1',
    );
  });
});

describe('loadConfig refuses guessable passwords', () => {
  const env = { ...SECRETS, STACK_IP: '10.77.0.1' };

  it("refuses stack/.env.example's placeholder SIP password", () => {
    expect(() =>
      loadConfig({ ...env, SIP_PASSWORD: 'change-me-dev-password' }, { offline: true }),
    ).toThrow(/^SIP_PASSWORD: is still the placeholder from \.env\.example/);
  });

  it.each(['REDIS_PASSWORD', 'LIVEKIT_API_SECRET', 'MCP_AUTH_TOKEN'])(
    'refuses the placeholders setup replaces, in %s',
    (name) => {
      for (const value of ['generated-by-setup', 'change-me-to-a-long-random-token'])
        expect(() => loadConfig({ ...env, [name]: value }, { offline: true })).toThrow(
          expect.objectContaining({ variable: name }),
        );
    },
  );

  it('refuses a SIP password under 12 characters and a Redis password under 16', () => {
    expect(() => loadConfig({ ...env, SIP_PASSWORD: '12345678901' }, { offline: true })).toThrow(
      /^SIP_PASSWORD: is shorter than 12 characters/,
    );
    expect(
      loadConfig({ ...env, SIP_PASSWORD: '123456789012' }, { offline: true }).secrets.SIP_PASSWORD,
    ).toBe('123456789012');
    expect(() => loadConfig({ ...env, REDIS_PASSWORD: 'x'.repeat(15) }, { offline: true })).toThrow(
      /^REDIS_PASSWORD: is shorter than 16 characters/,
    );
    expect(loadConfig({ ...env, REDIS_PASSWORD: 'x'.repeat(16) }, { offline: true }).ip).toBe(
      '10.77.0.1',
    );
  });
});

describe('plainHttpWarning', () => {
  it('warns when livekit-server and the token API serve plain HTTP beyond loopback', () => {
    const warning = plainHttpWarning('192.0.2.7');
    expect(warning).toMatch(/^WARNING: .*7880.*3000.*plain HTTP without TLS on 192\.0\.2\.7/);
  });

  it('stays quiet on loopback', () => {
    expect(plainHttpWarning('127.0.0.1')).toBeUndefined();
  });
});

describe('loadWorkerConfig (npm start -- --role worker)', () => {
  const WORKER = {
    LIVEKIT_API_KEY: 'APIkey',
    LIVEKIT_API_SECRET: 'secret',
    MCP_AUTH_TOKEN: 'token',
    LIVEKIT_URL: 'ws://10.77.0.1:7880',
  };

  it('needs no SIP or Redis password, and keeps none it is given', () => {
    const config = loadWorkerConfig(
      { ...WORKER, SIP_PASSWORD: 'a-long-dev-password' },
      { offline: true },
    );
    expect(config.secrets).toEqual({
      LIVEKIT_API_KEY: 'APIkey',
      LIVEKIT_API_SECRET: 'secret',
      MCP_AUTH_TOKEN: 'token',
    });
    expect(config.livekitUrl).toBe('ws://10.77.0.1:7880');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each(['LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET', 'MCP_AUTH_TOKEN'])(
    'names %s when it is missing',
    (name) => {
      expect(() => loadWorkerConfig({ ...WORKER, [name]: '' }, { offline: true })).toThrow(
        expect.objectContaining({ variable: name }),
      );
    },
  );

  it("names LIVEKIT_URL when the media host's server is missing or not a WebSocket URL", () => {
    for (const url of [undefined, '', 'http://10.77.0.1:7880', 'not a url'])
      expect(() => loadWorkerConfig({ ...WORKER, LIVEKIT_URL: url }, { offline: true })).toThrow(
        expect.objectContaining({ variable: 'LIVEKIT_URL' }),
      );
  });

  it('runs its own MCP server unless MCP_URL names one on another host', () => {
    const own = loadWorkerConfig(
      { ...WORKER, MCP_URL: 'http://127.0.0.1:3001/mcp' },
      { offline: true },
    );
    expect(own.mcpUrl).toBeUndefined();
    const shared = loadWorkerConfig(
      { ...WORKER, MCP_URL: 'https://mcp.internal:3001/mcp' },
      { offline: true },
    );
    expect(shared.mcpUrl).toBe('https://mcp.internal:3001/mcp');
    expect(() =>
      loadWorkerConfig({ ...WORKER, MCP_URL: 'ftp://x/mcp' }, { offline: true }),
    ).toThrow(expect.objectContaining({ variable: 'MCP_URL' }));
  });

  it('needs the model key unless offline', () => {
    expect(() => loadWorkerConfig(WORKER, { offline: false })).toThrow(
      expect.objectContaining({ variable: 'OPENAI_API_KEY' }),
    );
    expect(
      loadWorkerConfig({ ...WORKER, OPENAI_API_KEY: 'sk-x' }, { offline: false }).offline,
    ).toBe(false);
  });
});

describe('parseRole', () => {
  it('defaults to all and names --role when it is unknown', () => {
    expect(parseRole(undefined)).toBe('all');
    expect(parseRole('media')).toBe('media');
    expect(parseRole('worker')).toBe('worker');
    expect(() => parseRole('edge')).toThrow(expect.objectContaining({ variable: '--role' }));
  });
});

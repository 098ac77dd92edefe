import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const SECRETS = {
  LIVEKIT_API_KEY: 'APIkey',
  LIVEKIT_API_SECRET: 'secret',
  MCP_AUTH_TOKEN: 'token',
  SIP_USERNAME: 'devcaller',
  SIP_PASSWORD: 'a-long-dev-password',
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

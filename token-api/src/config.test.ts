import { DEFAULT_AGENT_NAME } from '@ecommerce-voicebot/contracts';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { testEnv } from './testing/helpers.js';

describe('loadConfig', () => {
  it('applies the defaults and freezes the result', () => {
    const config = loadConfig(testEnv({ WEB_TEST_DIR: '' }));
    expect(config).toMatchObject({
      mode: 'development',
      livekitUrl: 'ws://127.0.0.1:7880',
      publicUrl: 'ws://127.0.0.1:7880',
      host: '127.0.0.1',
      port: 3000,
      agentName: DEFAULT_AGENT_NAME,
      ttlSeconds: 600,
      rateLimitPerMin: 10,
      corsOrigins: [],
      allowCallerId: false,
      trustProxy: 0,
      logLevel: 'info',
    });
    expect(config.passcode).toBeUndefined();
    expect(config.basicAuth).toBeUndefined();
    expect(config.webTestDir).toMatch(/web-test\/dist$/);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.corsOrigins)).toBe(true);
  });

  it('reads every setting', () => {
    const config = loadConfig(
      testEnv({
        LIVEKIT_PUBLIC_URL: 'wss://livekit.example.com',
        TOKEN_API_HOST: '0.0.0.0',
        TOKEN_API_PORT: '4000',
        AGENT_NAME: 'other-agent',
        TOKEN_TTL_SECONDS: '120',
        TOKEN_RATE_LIMIT_PER_MIN: '30',
        CORS_ORIGINS: 'https://qa.example.com, http://localhost:5173/',
        QA_PASSCODE: 'a-long-enough-passcode',
        QA_BASIC_AUTH: 'tester:pass:with:colons',
        QA_ALLOW_CALLER_ID: 'true',
        WEB_TEST_DIR: 'relative/dist',
        INIT_CWD: '/srv/app',
        TOKEN_API_TRUST_PROXY: '1',
        LOG_LEVEL: 'warn',
      }),
    );
    expect(config).toMatchObject({
      publicUrl: 'wss://livekit.example.com',
      host: '0.0.0.0',
      port: 4000,
      agentName: 'other-agent',
      ttlSeconds: 120,
      rateLimitPerMin: 30,
      corsOrigins: ['https://qa.example.com', 'http://localhost:5173'],
      passcode: 'a-long-enough-passcode',
      basicAuth: { user: 'tester', password: 'pass:with:colons' },
      allowCallerId: true,
      webTestDir: '/srv/app/relative/dist',
      trustProxy: 1,
      logLevel: 'warn',
    });
  });

  it('follows NODE_ENV unless TOKEN_API_MODE is set', () => {
    const passcode = { QA_PASSCODE: 'a-long-enough-passcode' };
    expect(loadConfig(testEnv({ ...passcode, NODE_ENV: 'production' })).mode).toBe('production');
    expect(
      loadConfig(testEnv({ NODE_ENV: 'production', TOKEN_API_MODE: 'development' })).mode,
    ).toBe('development');
    expect(loadConfig(testEnv({ ...passcode, TOKEN_API_MODE: 'production' })).mode).toBe(
      'production',
    );
  });

  it('refuses production mode without access control', () => {
    expect(() => loadConfig(testEnv({ TOKEN_API_MODE: 'production' }))).toThrow(
      'Invalid configuration: QA_PASSCODE or QA_BASIC_AUTH is required in production mode',
    );
    expect(() => loadConfig(testEnv({ NODE_ENV: 'production' }))).toThrow(ConfigError);
    expect(
      loadConfig(testEnv({ TOKEN_API_MODE: 'production', QA_BASIC_AUTH: 'qa:long-password-1' }))
        .basicAuth,
    ).toEqual({ user: 'qa', password: 'long-password-1' });
  });

  it.each([
    [{ LIVEKIT_URL: '' }, 'LIVEKIT_URL is required'],
    [
      { LIVEKIT_URL: 'livekit:7880' },
      'LIVEKIT_URL must be a ws://, wss://, http:// or https:// URL',
    ],
    [{ LIVEKIT_PUBLIC_URL: 'ftp://x' }, 'LIVEKIT_PUBLIC_URL must be a ws://'],
    [{ LIVEKIT_API_KEY: '' }, 'LIVEKIT_API_KEY is required'],
    [{ LIVEKIT_API_SECRET: '' }, 'LIVEKIT_API_SECRET is required'],
    [{ TOKEN_API_PORT: 'eighty' }, 'TOKEN_API_PORT'],
    [{ TOKEN_API_PORT: '70000' }, 'TOKEN_API_PORT'],
    [{ TOKEN_TTL_SECONDS: '86400' }, 'TOKEN_TTL_SECONDS must be at most 3600'],
    [{ TOKEN_TTL_SECONDS: '5' }, 'TOKEN_TTL_SECONDS must be at least 30'],
    [{ TOKEN_RATE_LIMIT_PER_MIN: '0' }, 'TOKEN_RATE_LIMIT_PER_MIN must be a positive integer'],
    [{ CORS_ORIGINS: '*' }, 'CORS_ORIGINS must list origins'],
    [{ CORS_ORIGINS: 'https://qa.example.com/app' }, 'CORS_ORIGINS must list origins'],
    [{ QA_PASSCODE: 'short' }, 'QA_PASSCODE must be at least 12 characters'],
    [{ QA_BASIC_AUTH: 'no-colon-here-at-all' }, 'QA_BASIC_AUTH must be user:password'],
    [{ QA_BASIC_AUTH: 'qa:short' }, 'QA_BASIC_AUTH password must be at least 12 characters'],
    [{ QA_ALLOW_CALLER_ID: 'yes' }, 'QA_ALLOW_CALLER_ID must be true or false'],
    [{ TOKEN_API_MODE: 'staging' }, 'TOKEN_API_MODE must be development or production'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('fails fast naming the variable: %j', (overrides, message) => {
    expect(() => loadConfig(testEnv(overrides))).toThrow(message);
  });

  it('never puts a secret value in its error messages', () => {
    try {
      loadConfig(testEnv({ QA_BASIC_AUTH: 'qa:tiny', QA_PASSCODE: 'secret-passcode-value' }));
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain('tiny');
      expect((error as Error).message).not.toContain('secret-passcode-value');
    }
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const TOKEN = { MCP_AUTH_TOKEN: 'a-long-enough-token-123' };

describe('loadConfig', () => {
  it('reads the stdio command line with defaults', () => {
    const config = loadConfig(['--stdio'], {});
    expect(config).toMatchObject({
      transport: 'stdio',
      port: 3001,
      host: '127.0.0.1',
      defaultCountry: 'US',
      watch: true,
      logLevel: 'info',
    });
    expect(config.dataDir).toMatch(/data\/?$/);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the http settings from flags over the environment', () => {
    const config = loadConfig(['--http', '--port', '4100', '--default-country', 'gb'], {
      ...TOKEN,
      MCP_PORT: '9999',
      MCP_ALLOWED_HOSTS: 'mcp, localhost',
    });
    expect(config).toMatchObject({
      transport: 'http',
      port: 4100,
      defaultCountry: 'GB',
      allowedHosts: ['mcp', 'localhost'],
    });
  });

  it('resolves --data against the folder npm was started from', () => {
    expect(() =>
      loadConfig(['--stdio', '--data', 'data'], { INIT_CWD: '/nonexistent-folder' }),
    ).toThrow('Invalid configuration: --data folder does not exist');
  });

  it.each([
    [[], {}, 'Choose exactly one of --stdio or --http'],
    [['--stdio', '--http'], {}, 'Choose exactly one of --stdio or --http'],
    [['--http'], {}, 'MCP_AUTH_TOKEN is required with --http'],
    [['--http'], { MCP_AUTH_TOKEN: 'short' }, 'MCP_AUTH_TOKEN must be at least 16 characters'],
    [['--http', '--port', 'eighty'], TOKEN, '--port / MCP_PORT'],
    [
      ['--stdio', '--default-country', 'XX'],
      {},
      '--default-country / STORE_DEFAULT_COUNTRY must be a two-letter country code',
    ],
    [['--stdio', '--caller-phone', 'nobody'], {}, '--caller-phone is not a phone number'],
    [['--http', '--caller-phone', '+14155550100'], TOKEN, '--caller-phone only applies to --stdio'],
    [['--stdio', '--bogus'], {}, "Unknown option '--bogus'"],
    [['--stdio'], { LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('fails fast on %j %j naming the setting', (argv, env, message) => {
    expect(() => loadConfig(argv, env)).toThrow(ConfigError);
    expect(() => loadConfig(argv, env)).toThrow(message);
  });
});

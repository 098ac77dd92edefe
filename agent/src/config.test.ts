import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('needs an OpenAI key in production mode, naming the variable', () => {
    expect(() => loadConfig({})).toThrow(ConfigError);
    expect(() => loadConfig({})).toThrow('OPENAI_API_KEY is required in production mode');
  });

  it('reads defaults: agent name, gpt-realtime, server turns after 300 ms, 5 s tool timeout, stdio MCP', () => {
    const config = loadConfig({ OPENAI_API_KEY: 'sk-test' });
    expect(config).toMatchObject({
      agentName: 'ecommerce-support',
      mode: 'production',
      model: { model: 'gpt-realtime', apiKey: 'sk-test', baseURL: undefined, azure: undefined },
      turnDetection: 'server',
      vadMinSilenceMs: 300,
      endpointingMinDelayMs: 300,
      toolTimeoutMs: 5000,
      userAwaySeconds: 15,
      maxCallSeconds: 900,
      transferTo: undefined,
    });
    expect(config.mcp).toMatchObject({ type: 'stdio' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('uses MCP over HTTP with its token, and the offline emulator without a key', () => {
    const config = loadConfig({
      AGENT_MODE: 'offline',
      OPENAI_BASE_URL: 'http://127.0.0.1:8089/v1',
      MCP_URL: 'http://127.0.0.1:3001/mcp',
      MCP_AUTH_TOKEN: 'token-0123456789abcdef',
      REALTIME_MODEL: 'gpt-4o-realtime-preview',
      TURN_DETECTION: 'vad',
    });
    expect(config.mcp).toEqual({
      type: 'http',
      url: 'http://127.0.0.1:3001/mcp',
      authToken: 'token-0123456789abcdef',
    });
    expect(config.model).toMatchObject({
      model: 'gpt-4o-realtime-preview',
      baseURL: 'http://127.0.0.1:8089/v1',
    });
    expect(config.turnDetection).toBe('vad');
  });

  it('reads Azure settings', () => {
    const config = loadConfig({
      AZURE_OPENAI_ENDPOINT: 'https://x.openai.azure.com',
      AZURE_OPENAI_DEPLOYMENT: 'rt',
      AZURE_OPENAI_API_KEY: 'k',
    });
    expect(config.model.azure).toEqual({
      endpoint: 'https://x.openai.azure.com',
      deployment: 'rt',
      apiKey: 'k',
      apiVersion: undefined,
    });
  });

  it.each([
    [
      { OPENAI_API_KEY: 'k', TRANSFER_TO: '555-1234' },
      'TRANSFER_TO must be a tel:+E164 or sip:user@host URI',
    ],
    [
      { OPENAI_API_KEY: 'k', MCP_URL: 'http://127.0.0.1:3001/mcp' },
      'MCP_AUTH_TOKEN is required with MCP_URL',
    ],
    [{ OPENAI_API_KEY: 'k', MCP_URL: 'not a url', MCP_AUTH_TOKEN: 'x' }, 'MCP_URL must be a URL'],
    [{ AGENT_MODE: 'offline' }, 'OPENAI_BASE_URL is required in offline mode'],
    [{ OPENAI_API_KEY: 'k', TURN_DETECTION: 'psychic' }, 'TURN_DETECTION'],
    [{ OPENAI_API_KEY: 'k', TOOL_TIMEOUT_MS: '5' }, 'TOOL_TIMEOUT_MS'],
  ])('fails fast on %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('treats empty variables as unset and resolves folders from where npm was started', () => {
    const config = loadConfig({
      OPENAI_API_KEY: 'k',
      TRANSFER_TO: '',
      MCP_URL: ' ',
      CALLS_DIR: 'calls',
      INIT_CWD: '/srv/voicebot',
    });
    expect(config.transferTo).toBeUndefined();
    expect(config.mcp.type).toBe('stdio');
    expect(config.callsDir).toBe('/srv/voicebot/calls');
  });

  it('keeps call records 30 days by default, forever with 0, and refuses part days', () => {
    expect(loadConfig({ OPENAI_API_KEY: 'k' }).callRecordRetentionDays).toBe(30);
    expect(
      loadConfig({ OPENAI_API_KEY: 'k', CALL_RECORD_RETENTION_DAYS: '0' }).callRecordRetentionDays,
    ).toBe(0);
    expect(() => loadConfig({ OPENAI_API_KEY: 'k', CALL_RECORD_RETENTION_DAYS: '1.5' })).toThrow(
      /CALL_RECORD_RETENTION_DAYS/,
    );
    expect(() => loadConfig({ OPENAI_API_KEY: 'k', CALL_RECORD_RETENTION_DAYS: '-1' })).toThrow(
      /CALL_RECORD_RETENTION_DAYS/,
    );
  });

  it('reads the warm process count and the VAD silence window', () => {
    const defaults = loadConfig({ OPENAI_API_KEY: 'sk-test' });
    expect(defaults).toMatchObject({
      numIdleProcesses: undefined,
      vadMinSilenceMs: 300,
      endpointingMinDelayMs: 300,
    });
    const set = loadConfig({
      OPENAI_API_KEY: 'sk-test',
      AGENT_NUM_IDLE_PROCESSES: '6',
      VAD_MIN_SILENCE_MS: '300',
      ENDPOINTING_MIN_DELAY_MS: '250',
    });
    expect(set).toMatchObject({
      numIdleProcesses: 6,
      vadMinSilenceMs: 300,
      endpointingMinDelayMs: 250,
    });
    expect(() => loadConfig({ OPENAI_API_KEY: 'sk-test', ENDPOINTING_MIN_DELAY_MS: '-1' })).toThrow(
      /ENDPOINTING_MIN_DELAY_MS/,
    );
    expect(() => loadConfig({ OPENAI_API_KEY: 'sk-test', AGENT_NUM_IDLE_PROCESSES: '0' })).toThrow(
      /AGENT_NUM_IDLE_PROCESSES/,
    );
  });

  it('reads how many calls a worker takes and when it reports itself full', () => {
    expect(loadConfig({ OPENAI_API_KEY: 'sk-test' })).toMatchObject({
      maxCalls: 25,
      loadThreshold: 1,
    });
    expect(
      loadConfig({ OPENAI_API_KEY: 'sk-test', AGENT_MAX_CALLS: '4', AGENT_LOAD_THRESHOLD: '0.75' }),
    ).toMatchObject({ maxCalls: 4, loadThreshold: 0.75 });
    for (const bad of ['0', '2.5', 'many'])
      expect(() => loadConfig({ OPENAI_API_KEY: 'sk-test', AGENT_MAX_CALLS: bad })).toThrow(
        /AGENT_MAX_CALLS/,
      );
    // Above 1 the worker would never report itself full, whatever it holds.
    expect(() => loadConfig({ OPENAI_API_KEY: 'sk-test', AGENT_LOAD_THRESHOLD: '2' })).toThrow(
      /AGENT_LOAD_THRESHOLD/,
    );
  });

  it('gives the server API to the worker only with URL, key and secret together', () => {
    expect(loadConfig({ OPENAI_API_KEY: 'k', LIVEKIT_URL: 'ws://127.0.0.1:7880' }).livekit).toBe(
      undefined,
    );
    const config = loadConfig({
      OPENAI_API_KEY: 'k',
      LIVEKIT_URL: 'ws://127.0.0.1:7880',
      LIVEKIT_API_KEY: 'APIkey',
      LIVEKIT_API_SECRET: 'secret',
    });
    expect(config.livekit).toEqual({
      url: 'ws://127.0.0.1:7880',
      apiKey: 'APIkey',
      apiSecret: 'secret',
    });
  });

  it('accepts tel: and sip: transfer targets', () => {
    expect(loadConfig({ OPENAI_API_KEY: 'k', TRANSFER_TO: 'tel:+15550100200' }).transferTo).toBe(
      'tel:+15550100200',
    );
    expect(
      loadConfig({ OPENAI_API_KEY: 'k', TRANSFER_TO: 'sip:support@pbx.example.com' }).transferTo,
    ).toBe('sip:support@pbx.example.com');
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const BASE = {
  LIVEKIT_URL: 'http://127.0.0.1:7880',
  LIVEKIT_API_KEY: 'key',
  LIVEKIT_API_SECRET: 'secret',
};

describe('switchboard config', () => {
  it('has safe defaults: loopback, limits on', () => {
    const config = loadConfig(BASE);
    expect(config.host).toBe('127.0.0.1');
    expect(config.limits).toEqual({
      lineMaxCalls: 50,
      callerMaxCalls: 2,
      callerMaxNewCalls: 6,
      callerWindowMs: 600_000,
      trunkMaxNewCallsPerMinute: 120,
    });
    expect(Object.isFrozen(config.limits)).toBe(true);
    expect(config.lineDown).toEqual({ afterMs: 800, transferTo: undefined });
    expect(config.queue).toEqual({ maxLength: 10, maxWaitMs: 180_000 });
    expect(config.agentName).toBe('ecommerce-support');
  });

  it('reads the line-down settings', () => {
    const config = loadConfig({
      ...BASE,
      AGENT_WAIT_SECONDS: '2.5',
      QUEUE_MAX_LENGTH: '0',
      QUEUE_MAX_WAIT_SECONDS: '30',
      TRANSFER_TO: 'tel:+15550100200',
      AGENT_NAME: 'other-agent',
    });
    expect(config.lineDown).toEqual({ afterMs: 2_500, transferTo: 'tel:+15550100200' });
    expect(config.queue).toEqual({ maxLength: 0, maxWaitMs: 30_000 });
    expect(config.agentName).toBe('other-agent');
    expect(() => loadConfig({ ...BASE, TRANSFER_TO: 'call me maybe' })).toThrow(
      'Invalid configuration: TRANSFER_TO must be a tel: or sip: URI',
    );
  });

  it('names the variable to fix', () => {
    expect(() => loadConfig({ ...BASE, LINE_MAX_CALLS: '0' })).toThrow(
      new ConfigError('Invalid configuration: LINE_MAX_CALLS must be a positive integer'),
    );
    expect(() => loadConfig({ ...BASE, CALLER_WINDOW_SECONDS: 'soon' })).toThrow(
      /CALLER_WINDOW_SECONDS/,
    );
    expect(() => loadConfig({ ...BASE, LIVEKIT_API_SECRET: '' })).toThrow(
      /LIVEKIT_API_SECRET is required/,
    );
    expect(() => loadConfig({ ...BASE, LIVEKIT_URL: 'redis://x' })).toThrow(/LIVEKIT_URL/);
  });

  it('reads the limits', () => {
    const config = loadConfig({ ...BASE, CALLER_MAX_NEW_CALLS: '3', CALLER_WINDOW_SECONDS: '60' });
    expect(config.limits.callerMaxNewCalls).toBe(3);
    expect(config.limits.callerWindowMs).toBe(60_000);
  });
});

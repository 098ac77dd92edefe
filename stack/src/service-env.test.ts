import { describe, expect, it } from 'vitest';
import {
  isSecretName,
  SERVICE_SECRETS,
  serviceEnv,
  templateReferences,
  type Service,
} from './service-env.js';

const ENV = {
  PATH: '/usr/bin',
  HOME: '/root',
  LOG_LEVEL: 'info',
  AGENT_MAX_CALLS: '5',
  TOKEN_API_HOST: '10.77.0.1',
  TOKEN_TTL_SECONDS: '600',
  SIP_USERNAME: 'devcaller',
  LIVEKIT_API_KEY: 'APIkey',
  LIVEKIT_API_SECRET: 'livekit-secret',
  MCP_AUTH_TOKEN: 'mcp-token',
  SIP_PASSWORD: 'sip-password',
  REDIS_PASSWORD: 'redis-password',
  OPENAI_API_KEY: 'sk-openai',
  AZURE_OPENAI_API_KEY: 'azure-key',
  QA_PASSCODE: 'qa-passcode',
  QA_BASIC_AUTH: 'qa:basic',
  TWILIO_SIP_PASSWORD: 'carrier-password',
  GITHUB_TOKEN: 'ghp_x',
  AWS_SECRET_ACCESS_KEY: 'aws',
  'npm_config_//registry.npmjs.org/:_authToken': 'npm',
};
const SECRET_VALUES = new Set(
  Object.entries(ENV)
    .filter(([name]) => isSecretName(name))
    .map(([, value]) => value),
);
const secretsOf = (env: NodeJS.ProcessEnv) =>
  Object.keys(env)
    .filter((name) => SECRET_VALUES.has(env[name]!))
    .sort();

describe('serviceEnv', () => {
  it.each<[Service, string[]]>([
    ['redis', []],
    ['emulator', []],
    ['sip', []],
    ['livekit', ['REDIS_PASSWORD']],
    ['switchboard', ['LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET']],
    ['mcp', ['MCP_AUTH_TOKEN']],
    [
      'agent',
      [
        'AZURE_OPENAI_API_KEY',
        'LIVEKIT_API_KEY',
        'LIVEKIT_API_SECRET',
        'MCP_AUTH_TOKEN',
        'OPENAI_API_KEY',
      ],
    ],
    ['token-api', ['LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET', 'QA_BASIC_AUTH', 'QA_PASSCODE']],
    ['sip-apply', ['LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET', 'SIP_PASSWORD']],
  ])('gives %s exactly the secrets it needs: %j', (service, secrets) => {
    expect(secretsOf(serviceEnv(service, ENV))).toEqual(secrets);
  });

  it('passes ordinary settings to every service', () => {
    for (const service of Object.keys(SERVICE_SECRETS) as Service[])
      expect(serviceEnv(service, ENV)).toMatchObject({
        PATH: '/usr/bin',
        HOME: '/root',
        LOG_LEVEL: 'info',
        AGENT_MAX_CALLS: '5',
        TOKEN_API_HOST: '10.77.0.1',
        TOKEN_TTL_SECONDS: '600',
        SIP_USERNAME: 'devcaller',
      });
  });

  it("adds what the runner builds, and the variables a service's config file names", () => {
    const env = serviceEnv('sip-apply', ENV, { LIVEKIT_URL: 'http://127.0.0.1:7880' }, [
      'TWILIO_SIP_PASSWORD',
      'UNSET_VARIABLE',
    ]);
    expect(env.LIVEKIT_URL).toBe('http://127.0.0.1:7880');
    expect(env.TWILIO_SIP_PASSWORD).toBe('carrier-password');
    expect('UNSET_VARIABLE' in env).toBe(false);
    expect(serviceEnv('mcp', ENV).TWILIO_SIP_PASSWORD).toBeUndefined();
  });
});

describe('isSecretName', () => {
  it('knows secrets by name, including ones the stack never heard of', () => {
    for (const name of [
      'LIVEKIT_API_SECRET',
      'SIP_PASSWORD',
      'REDIS_PASSWORD',
      'MCP_AUTH_TOKEN',
      'QA_PASSCODE',
      'QA_BASIC_AUTH',
      'OPENAI_API_KEY',
      'AWS_SECRET_ACCESS_KEY',
      'GITHUB_TOKEN',
      'npm_config_//registry.npmjs.org/:_authToken',
    ])
      expect(isSecretName(name), name).toBe(true);
  });

  it('leaves settings that only start like one', () => {
    for (const name of ['TOKEN_API_HOST', 'TOKEN_TTL_SECONDS', 'SIP_USERNAME', 'LIVEKIT_URL'])
      expect(isSecretName(name), name).toBe(false);
  });
});

describe('templateReferences', () => {
  it('lists ${NAME} and ${NAME:-default}, not the examples in comments', () => {
    const yaml = [
      '# ${NAME} is replaced; ${NAME:-default} falls back',
      'username: ${SIP_USERNAME}',
      'password: ${SIP_PASSWORD}',
      'address: ${SIP_OUTBOUND_ADDRESS:-127.0.0.1:5070}',
      'again: ${SIP_PASSWORD}',
    ].join('\n');
    expect(templateReferences(yaml)).toEqual([
      'SIP_USERNAME',
      'SIP_PASSWORD',
      'SIP_OUTBOUND_ADDRESS',
    ]);
  });
});

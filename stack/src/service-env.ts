// What each service's process gets from the stack's environment. Every service used to get all of
// it, so a compromised or chatty service (the MCP server holds caller data, the emulator is test
// code) held the LiveKit secret, the SIP password and the Redis password. Now every variable whose
// name says it is a secret is withheld, and each service gets back only the secrets it needs.
// Ordinary settings (ports, log levels, AGENT_*, ...) still reach every service: they are not
// secrets, and tests and admins tune services through them.

export type Service =
  | 'redis'
  | 'livekit'
  | 'sip'
  | 'switchboard'
  | 'mcp'
  | 'emulator'
  | 'agent'
  | 'token-api'
  | 'sip-apply';

/**
 * The secrets each service is given. A new secret a service needs goes here: until it does, the
 * service does not see it (it is withheld because of its name, see isSecretName).
 */
export const SERVICE_SECRETS: Readonly<Record<Service, readonly string[]>> = Object.freeze({
  // Its password comes in a config file the runner writes (stack.ts), not in the environment.
  redis: [],
  // livekit-server reads REDIS_PASSWORD itself (its --redis-password flag's variable); its API
  // keys come as LIVEKIT_KEYS, which the runner builds.
  livekit: ['REDIS_PASSWORD'],
  // Everything the bridge needs is in SIP_CONFIG_BODY, which the runner fills in.
  sip: [],
  // Verifies livekit-server's webhooks and deletes the rooms of refused calls.
  switchboard: ['LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'],
  mcp: ['MCP_AUTH_TOKEN'],
  emulator: [],
  // The server API for call recovery, the MCP bearer token, the model's key.
  agent: [
    'LIVEKIT_API_KEY',
    'LIVEKIT_API_SECRET',
    'MCP_AUTH_TOKEN',
    'OPENAI_API_KEY',
    'AZURE_OPENAI_API_KEY',
  ],
  'token-api': ['LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET', 'QA_PASSCODE', 'QA_BASIC_AUTH'],
  // `npm run sip -- apply`: the server API and the trunks' credentials (plus every variable
  // sip/trunks.yaml refers to, passed by the runner as `references`).
  'sip-apply': ['LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET', 'SIP_PASSWORD'],
});

// By name, so that secrets the stack does not know of (a shell's GITHUB_TOKEN, AWS keys, npm's
// `_authToken`, a future carrier password) are withheld too. Settings such as TOKEN_API_HOST only
// start with a secret-like word, hence the anchors.
const SECRET_NAME =
  /(SECRET|PASSWORD|PASSWD|PASSCODE|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|BASIC_AUTH|CREDENTIALS?)$|SECRET|PASSWORD/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * A service's whole environment: `env` without secrets, plus the secrets the service needs (from
 * SERVICE_SECRETS, or `references` for variables a config file it reads names), plus `extra`
 * (what the runner builds for it: ports, URLs, LIVEKIT_KEYS, SIP_CONFIG_BODY).
 */
export function serviceEnv(
  service: Service,
  env: NodeJS.ProcessEnv,
  extra: NodeJS.ProcessEnv = {},
  references: readonly string[] = [],
): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env))
    if (value !== undefined && !isSecretName(name)) result[name] = value;
  for (const name of [...SERVICE_SECRETS[service], ...references])
    if (env[name] !== undefined) result[name] = env[name];
  return { ...result, ...extra };
}

/**
 * The variables a YAML template refers to as `${NAME}` or `${NAME:-default}` (comment lines, which
 * explain the syntax, are skipped).
 */
export function templateReferences(template: string): string[] {
  const body = template
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
  const names = [...body.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}/g)].map(
    (match) => match[1]!,
  );
  return [...new Set(names)];
}

// The stack's configuration files agree with each other: livekit.yaml, sip/bridge.yaml,
// docker-compose.yml and the versions setup builds. livekit-sip ignores unknown keys silently,
// so the bridge config's keys are also checked against the bridge's own config struct.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  fillEnvTemplate,
  livekitKeys,
  SWITCHBOARD_WEBHOOK_PATH,
  WEBHOOK_API_KEY_NAME,
} from '@ecommerce-voicebot/contracts';
import { isSecretName, SERVICE_SECRETS, serviceEnv, type Service } from './service-env.js';
import { PORTS } from './stack.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const VALUES = {
  LIVEKIT_API_KEY: 'APIkey',
  LIVEKIT_API_SECRET: 'secret',
  STACK_IP: '10.77.0.1',
  REDIS_PASSWORD: 'redis-password',
  SIP_TLS_CERT_FILE: '/etc/ssl/sip/fullchain.pem',
  SIP_TLS_KEY_FILE: '/etc/ssl/sip/privkey.pem',
};

const livekit = parse(read('livekit.yaml'));
const bridgeTemplate = read('sip/bridge.yaml');
// As the stack runner fills it: SIP_LISTEN_IP defaults to STACK_IP.
const BRIDGE_VALUES = { ...VALUES, SIP_LISTEN_IP: VALUES.STACK_IP };
const bridge = parse(fillEnvTemplate(bridgeTemplate, BRIDGE_VALUES));
const compose = parse(read('docker-compose.yml'));
const composeText = read('docker-compose.yml');
const caddyfile = read('Caddyfile');
const setup = read('scripts/setup.sh');
// Compose's own substitution: ${NAME}, ${NAME:-default}, ${NAME:?error}; a default may itself be
// one reference (${SIP_LISTEN_IP:-${STACK_IP}}).
const COMPOSE_REFERENCE = /\$\{([A-Z_]+)(?::([-?])((?:[^${}]|\$\{[^}]*\})*))?\}/g;
const composeFilled = (text: string): string =>
  text.replace(
    COMPOSE_REFERENCE,
    (_m, name: string, op: string | undefined, fallback: string | undefined) =>
      VALUES[name as keyof typeof VALUES] ?? (op === '-' ? composeFilled(fallback!) : `<${name}>`),
  );
const ENV_EXAMPLES = ['stack', 'sip', 'switchboard', 'mcp', 'agent', 'token-api'].map((dir) =>
  read(`${dir}/.env.example`),
);
/** Every variable the .env.example files define, i.e. what setup puts in .env. */
const documented = new Set(
  ENV_EXAMPLES.flatMap((text) => [...text.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]!)),
);

const range = (spec: string) => spec.split('-').map(Number) as [number, number];

describe('stack configuration', () => {
  it('shares one Redis between livekit-server, the bridge and compose', () => {
    expect(livekit.redis.address).toBe(`127.0.0.1:${PORTS.redis}`);
    expect(bridge.redis.address).toBe(livekit.redis.address);
    expect(compose.services.redis.command).toEqual(
      expect.arrayContaining(['--port', String(PORTS.redis)]),
    );
  });

  it('locks Redis (it holds the carrier credentials) with REDIS_PASSWORD everywhere', () => {
    // livekit-server reads it from REDIS_PASSWORD (its --redis-password flag): not in the file.
    expect(livekit.redis.password).toBeUndefined();
    expect(serviceEnv('livekit', { REDIS_PASSWORD: 'p' }).REDIS_PASSWORD).toBe('p');
    expect(bridge.redis.password).toBe(VALUES.REDIS_PASSWORD);
    const redis = compose.services.redis.command as string[];
    expect(composeFilled(redis[redis.indexOf('--requirepass') + 1]!)).toBe(VALUES.REDIS_PASSWORD);
    expect(composeFilled(compose.services.livekit.environment.REDIS_PASSWORD)).toBe(
      VALUES.REDIS_PASSWORD,
    );
    // Compose refuses to start without it rather than run an open Redis (`--requirepass ""`).
    for (const match of composeText.matchAll(/\$\{REDIS_PASSWORD[^}]*\}/g))
      expect(match[0]).toMatch(/^\$\{REDIS_PASSWORD:\?/);
  });

  it('pins a maintained Redis image, not the end-of-life 7.0 line', () => {
    const tag = /^redis:(\d+)\.(\d+)\.(\d+)-alpine$/.exec(compose.services.redis.image);
    expect(tag, compose.services.redis.image).not.toBeNull();
    expect(Number(tag![1])).toBeGreaterThanOrEqual(8);
  });

  it('keeps the trunks across a Redis restart', () => {
    expect(compose.services.redis.command.join(' ')).toContain('--appendonly yes');
  });

  it('lets livekit-server dispatch to a worker until it is full', () => {
    // A job is routed only while some worker's load is under agents.target_load (affinity
    // target_load - load, livekit-server agentservice.go); a worker's load stays under 1 until it
    // has AGENT_MAX_CALLS calls (agent/src/worker/call-load.ts). The default 0.7 stopped a worker
    // at 5 of 6 calls, and the steeper load of 2026-12-06 at 2 of 6 (worker-hosts e2e).
    expect(livekit.agents).toEqual({ target_load: 1 });
  });

  it('keeps the ports apart and points the bridge at livekit-server', () => {
    expect(livekit.port).toBe(PORTS.livekit);
    expect(bridge.ws_url).toBe(`ws://127.0.0.1:${PORTS.livekit}`);
    expect(bridge.sip_port).toBe(PORTS.sip);
    expect(bridge.health_port).toBe(PORTS.sipHealth);
    const [rtpStart, rtpEnd] = range(bridge.rtp_port);
    const overlaps =
      rtpStart <= livekit.rtc.port_range_end && livekit.rtc.port_range_start <= rtpEnd;
    expect(overlaps).toBe(false);
    const used = [
      PORTS.livekit,
      livekit.rtc.tcp_port,
      PORTS.sip,
      bridge.tls.port,
      PORTS.sipHealth,
      PORTS.mcp,
      PORTS.switchboard,
      PORTS.emulator,
      PORTS.agentHealth,
      PORTS.redis,
      PORTS.tokenApi,
    ];
    expect(new Set(used).size).toBe(used.length);
  });

  it("sends livekit-server's webhooks to the switchboard, signed under the shared key name", () => {
    expect(livekit.webhook).toEqual({
      api_key: WEBHOOK_API_KEY_NAME,
      urls: [`http://127.0.0.1:${PORTS.switchboard}${SWITCHBOARD_WEBHOOK_PATH}`],
    });
    // livekit-server refuses to start when webhook.api_key is not one of its keys.
    const keys = parse(livekitKeys('APIkey', 'secret'));
    expect(keys).toEqual({ APIkey: 'secret', [WEBHOOK_API_KEY_NAME]: 'secret' });
    const composeKeys = parse(composeFilled(compose.services.livekit.environment.LIVEKIT_KEYS));
    expect(composeKeys).toEqual(keys);
    const switchboard = compose.services.switchboard;
    expect(switchboard.environment).toMatchObject({
      LIVEKIT_URL: `http://127.0.0.1:${PORTS.livekit}`,
      SWITCHBOARD_HOST: '127.0.0.1',
      SWITCHBOARD_PORT: String(PORTS.switchboard),
    });
    expect(switchboard.network_mode).toBe('host');
  });

  it('never lets either server ask a public STUN server for its address', () => {
    expect(livekit.rtc.use_external_ip).toBe(false);
    expect(bridge.use_external_ip).toBe(false);
    expect(bridge.nat_1_to_1_ip).toBe('10.77.0.1');
    expect(compose.services.livekit.command).toEqual(
      expect.arrayContaining(['--node-ip', '${STACK_IP}']),
    );
  });

  it('answers SIP only on STACK_IP, and refuses unmatched calls out loud', () => {
    // listen_ip: nothing answers SIP on loopback or another interface (e2e digest-failures checks
    // it on the wire); compose falls back to STACK_IP too (the next test compares the two).
    expect(bridge.listen_ip).toBe(VALUES.STACK_IP);
    expect(composeText).toContain('listen_ip: ${SIP_LISTEN_IP:-${STACK_IP}}');
    // hide_inbound_port hides nothing from scanners in v1.8.0 (OPTIONS is always answered, the
    // guard trunk challenges every INVITE) and only drops the 100 Trying for carriers' calls:
    // README, "Ports".
    expect(bridge.hide_inbound_port).toBeUndefined();
  });

  it('runs in compose exactly the bridge config the local stack runs', () => {
    const body = compose.services.sip.environment.SIP_CONFIG_BODY as string;
    expect(parse(composeFilled(body))).toEqual(bridge);
  });

  it('serves SIP over TLS on 5061 with the configured certificate, mounted as is in compose', () => {
    expect(bridge.tls).toEqual({
      port: PORTS.sipTls,
      certs: [{ cert_file: VALUES.SIP_TLS_CERT_FILE, key_file: VALUES.SIP_TLS_KEY_FILE }],
      min_version: 'tls1.2',
    });
    // Same path inside the container as on the host, read-only; compose refuses to start without.
    const mounts = compose.services.sip.volumes as Record<string, unknown>[];
    for (const name of ['SIP_TLS_CERT_FILE', 'SIP_TLS_KEY_FILE'] as const) {
      const mount = mounts.find((m) => composeFilled(String(m.source)) === VALUES[name]);
      expect(mount, name).toMatchObject({ type: 'bind', read_only: true });
      expect(composeFilled(String(mount!.target))).toBe(VALUES[name]);
      for (const match of composeText.matchAll(new RegExp(`\\$\\{${name}[^}]*\\}`, 'g')))
        expect(match[0]).toMatch(new RegExp(`^\\$\\{${name}:\\?`));
    }
  });

  it('runs the bridge at warn unless SIP_LOG_LEVEL says otherwise (info lines carry caller numbers)', () => {
    expect(bridge.logging.level).toBe('warn');
    expect(
      parse(fillEnvTemplate(bridgeTemplate, { ...BRIDGE_VALUES, SIP_LOG_LEVEL: 'debug' })).logging
        .level,
    ).toBe('debug');
  });

  it('pins the images to the versions setup builds', () => {
    const serverVersion = /LIVEKIT_SERVER_VERSION=(v[\d.]+)/.exec(setup)?.[1];
    const sipVersion = /LIVEKIT_SIP_VERSION=(v[\d.]+)/.exec(setup)?.[1];
    expect(compose.services.livekit.image).toBe(`livekit/livekit-server:${serverVersion}`);
    expect(compose.services.sip.image).toBe(`livekit/sip:${sipVersion}`);
    for (const service of Object.values(compose.services) as { image?: string }[]) {
      if (service.image) expect(service.image).not.toMatch(/:latest$|^[^:]+$/);
    }
    for (const name of ['livekit', 'sip']) expect(compose.services[name].network_mode).toBe('host');
  });

  const sipSource = join(
    homedir(),
    'go/pkg/mod/github.com/livekit/sip@v1.8.0/pkg/config/config.go',
  );
  it.runIf(existsSync(sipSource))(
    'uses only keys the bridge knows (it ignores typos silently)',
    () => {
      const known = new Set(
        [...readFileSync(sipSource, 'utf8').matchAll(/yaml:"([a-z0-9_]+)"/g)].map(
          (match) => match[1],
        ),
      );
      // Nested keys of logging and redis live in other packages: check the top level and theirs.
      for (const key of Object.keys(bridge))
        expect(known, `unknown bridge key ${key}`).toContain(key);
      // tls and its certs are the bridge's own structs (TLSConfig, TLSCert): same file.
      for (const key of [...Object.keys(bridge.tls), ...Object.keys(bridge.tls.certs[0])])
        expect(known, `unknown bridge tls key ${key}`).toContain(key);
      expect(Object.keys(bridge.logging)).toEqual(['level']);
      expect(Object.keys(bridge.redis)).toEqual(['address', 'password']);
    },
  );

  it.runIf(existsSync(sipSource))(
    "knows the bridge's health port cannot be kept on loopback (the firewall must drop it)",
    () => {
      // livekit-sip listens on ":health_port" with no setting for the address (README, "Ports"
      // tells the admin to firewall it). When a version gains one, this fails: use it instead.
      const service = readFileSync(join(sipSource, '../../service/service.go'), 'utf8');
      expect(service).toContain('Addr:    fmt.Sprintf(":%d", conf.HealthPort)');
      expect(read('README.md')).toMatch(/\| 8082 +\| TCP +\| livekit-sip health +\| nobody/);
    },
  );

  it('keeps every plain HTTP port of production on loopback', () => {
    // livekit-server's API (also the SIP admin API): loopback in the file compose mounts, no
    // --bind on compose's command line to widen it. WebRTC media is not governed by this list.
    expect(livekit.bind_addresses).toEqual(['127.0.0.1']);
    expect(compose.services.livekit.command).not.toContain('--bind');
    const tokenApi = compose.services['token-api'].environment;
    expect(tokenApi.TOKEN_API_HOST).toBe('127.0.0.1');
    expect(tokenApi.TOKEN_API_PORT).toBe(String(PORTS.tokenApi));
    expect(compose.services.agent.environment.AGENT_HTTP_HOST).toBe('127.0.0.1');
    expect(compose.services.mcp.command).toEqual(expect.arrayContaining(['--host', '127.0.0.1']));
    expect(compose.services.redis.command).toEqual(expect.arrayContaining(['--bind', '127.0.0.1']));
    // The services reach livekit-server over loopback.
    for (const name of ['agent', 'token-api'])
      expect(compose.services[name].environment.LIVEKIT_URL).toBe(
        `ws://127.0.0.1:${PORTS.livekit}`,
      );
  });

  it('puts TLS (Caddy, automatic certificates) in front of livekit-server and the token API', () => {
    const caddy = compose.services.caddy;
    expect(caddy.image).toMatch(/^caddy:\d+\.\d+\.\d+-alpine$/);
    expect(caddy.network_mode).toBe('host');
    expect(caddy.volumes).toEqual(
      expect.arrayContaining(['./Caddyfile:/etc/caddy/Caddyfile:ro', 'caddy-data:/data']),
    );
    // Site blocks: `{$NAME} {` ... `reverse_proxy UPSTREAM` ... `}`.
    const sites = Object.fromEntries(
      [...caddyfile.matchAll(/^\{\$([A-Z_]+)\} \{\n([^}]*)\n\}/gm)].map((m) => [
        m[1],
        m[2]!.trim(),
      ]),
    );
    expect(sites).toEqual({
      LIVEKIT_DOMAIN: `reverse_proxy 127.0.0.1:${PORTS.livekit}`,
      TESTER_DOMAIN: `reverse_proxy 127.0.0.1:${PORTS.tokenApi}`,
    });
    for (const name of Object.keys(sites)) {
      expect(caddy.environment[name]).toMatch(new RegExp(`^\\$\\{${name}:\\?`));
      expect(documented, `${name} in an .env.example`).toContain(name);
    }
    // Browsers are sent to the TLS name; the token API trusts exactly one proxy (Caddy).
    const tokenApi = compose.services['token-api'].environment;
    expect(tokenApi.LIVEKIT_PUBLIC_URL).toMatch(/^wss:\/\/\$\{LIVEKIT_DOMAIN[:}]/);
    expect(tokenApi.TOKEN_API_TRUST_PROXY).toBe('1');
  });

  it('uses only variables the .env.example files define (so setup puts them in .env)', () => {
    for (const [, name] of composeText.matchAll(COMPOSE_REFERENCE))
      expect(documented, `${name} in an .env.example`).toContain(name);
  });

  it('gives each Node service in compose only the secrets npm start gives it', () => {
    // env_file passes the whole .env; the secrets a service does not need are blanked.
    const secrets = [...documented].filter(isSecretName);
    for (const name of ['switchboard', 'mcp', 'agent', 'token-api'] as Service[]) {
      const service = compose.services[name];
      expect(service.env_file).toBe('.env');
      const blanked = Object.entries(service.environment ?? {})
        .filter(([, value]) => value === '')
        .map(([variable]) => variable);
      const kept = secrets.filter((secret) => !blanked.includes(secret)).sort();
      expect(kept, name).toEqual(secrets.filter((s) => SERVICE_SECRETS[name].includes(s)).sort());
    }
  });

  it('documents which port must be open to whom, every port the stack opens included', () => {
    const readme = read('README.md');
    const start = readme.indexOf('### Ports\n');
    expect(start).toBeGreaterThan(-1);
    const table = readme.slice(start, readme.indexOf('\n### ', start + 1));
    for (const port of [
      ...Object.values(PORTS),
      livekit.rtc.tcp_port,
      `${livekit.rtc.port_range_start}-${livekit.rtc.port_range_end}`,
      bridge.rtp_port,
      443,
      80,
    ])
      expect(table, `port ${port}`).toMatch(new RegExp(`\\b${port}\\b`));
  });
});

describe('the worker host compose file (docker-compose.worker.yml)', () => {
  const worker = parse(read('docker-compose.worker.yml'));
  /** A worker-file service as compose resolves it: the base service, the overrides merged in. */
  const resolved = (name: string) => {
    const service = worker.services[name];
    const base = compose.services[service.extends.service];
    expect(service.extends.file).toBe('docker-compose.yml');
    return {
      ...base,
      ...service,
      environment: { ...base.environment, ...service.environment },
    };
  };

  it('runs only the agent worker and its own MCP server', () => {
    expect(Object.keys(worker.services).sort()).toEqual(['agent', 'mcp']);
  });

  it("points the worker at the media host's livekit-server through its TLS proxy", () => {
    const agent = resolved('agent');
    expect(composeFilled(agent.environment.LIVEKIT_URL)).toBe('wss://<LIVEKIT_DOMAIN>');
    expect(agent.command).toEqual(compose.services.agent.command);
    // Its own MCP server, on loopback: the tools never listen beyond the host.
    expect(agent.environment.MCP_URL).toBe('http://127.0.0.1:3001/mcp');
    expect(resolved('mcp').command).toContain('127.0.0.1');
    expect(agent.depends_on).toEqual(['mcp']);
  });

  it('holds no SIP or Redis password, as the main file does not give the agent either', () => {
    const agent = resolved('agent');
    for (const name of ['SIP_PASSWORD', 'REDIS_PASSWORD', 'QA_PASSCODE', 'QA_BASIC_AUTH'])
      expect(agent.environment[name], name).toBe('');
  });
});

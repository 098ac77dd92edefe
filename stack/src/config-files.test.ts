// The stack's configuration files agree with each other: livekit.yaml, sip/bridge.yaml,
// docker-compose.yml and the versions setup builds. livekit-sip ignores unknown keys silently,
// so the bridge config's keys are also checked against the bridge's own config struct.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fillEnvTemplate } from '@ecommerce-voicebot/contracts';
import { PORTS } from './stack.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const VALUES = { LIVEKIT_API_KEY: 'APIkey', LIVEKIT_API_SECRET: 'secret', STACK_IP: '10.77.0.1' };

const livekit = parse(read('livekit.yaml'));
const bridgeTemplate = read('sip/bridge.yaml');
const bridge = parse(fillEnvTemplate(bridgeTemplate, VALUES));
const compose = parse(read('docker-compose.yml'));
const setup = read('scripts/setup.sh');
const composeFilled = (text: string) =>
  text.replace(
    /\$\{([A-Z_]+)\}/g,
    (_m, name: string) => VALUES[name as keyof typeof VALUES] ?? `<${name}>`,
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

  it('keeps the trunks across a Redis restart', () => {
    // Which worker gets a call is the worker's own reported load (active calls / AGENT_MAX_CALLS,
    // agent/src/worker/call-load.ts); livekit.yaml's agents.target_load only ranks server nodes.
    expect(livekit.agents).toBeUndefined();
    expect(compose.services.redis.command.join(' ')).toContain('--appendonly yes');
  });

  it('keeps the ports apart and points the bridge at livekit-server', () => {
    expect(livekit.port).toBe(PORTS.livekit);
    expect(bridge.ws_url).toBe(`ws://10.77.0.1:${PORTS.livekit}`);
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
      PORTS.sipHealth,
      PORTS.mcp,
      PORTS.emulator,
      PORTS.agentHealth,
      PORTS.redis,
      PORTS.tokenApi,
    ];
    expect(new Set(used).size).toBe(used.length);
  });

  it('never lets either server ask a public STUN server for its address', () => {
    expect(livekit.rtc.use_external_ip).toBe(false);
    expect(bridge.use_external_ip).toBe(false);
    expect(bridge.nat_1_to_1_ip).toBe('10.77.0.1');
    expect(compose.services.livekit.command).toEqual(
      expect.arrayContaining(['--node-ip', '${STACK_IP}']),
    );
  });

  it('runs in compose exactly the bridge config the local stack runs', () => {
    const body = compose.services.sip.environment.SIP_CONFIG_BODY as string;
    expect(parse(composeFilled(body))).toEqual(bridge);
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
      expect(Object.keys(bridge.logging)).toEqual(['level']);
      expect(Object.keys(bridge.redis)).toEqual(['address']);
    },
  );
});

// The commands against a REAL livekit-server (built by `npm run setup` into .tools/bin) and Redis,
// both started here on free loopback ports and stopped at the end. Skipped when either binary is
// missing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SipClient } from 'livekit-server-sdk';
import { createLiveKitClient, runCli } from '@ecommerce-voicebot/sip';
import { freePort } from '@ecommerce-voicebot/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LIVEKIT_SERVER = join(ROOT, '.tools/bin/livekit-server');
const REDIS_SERVER = '/usr/bin/redis-server';
const missing = [LIVEKIT_SERVER, REDIS_SERVER].filter((binary) => !existsSync(binary));
const SKIP_REASON =
  missing.length === 0
    ? ''
    : ` (SKIPPED: ${missing.join(' and ')} not found; run \`npm run setup\` to build livekit-server, apt-get install redis-server)`;

const API_KEY = 'devkey';
const API_SECRET = 'integration-secret-0123456789abcdefghijklmnop';
const PASSWORD = 'integration-sip-password-31';

async function waitFor(check: () => Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not come up within ${ms} ms`);
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

describe.skipIf(missing.length > 0)(
  `sip commands against a real livekit-server${SKIP_REASON}`,
  () => {
    let dir: string;
    let redis: ChildProcess | undefined;
    let livekit: ChildProcess | undefined;
    let logs = '';
    let url: string;
    let env: Record<string, string>;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'sip-livekit-'));
      const redisPort = await freePort();
      const port = await freePort();
      const tcpPort = await freePort();
      const rtcStart = 40_000 + Math.floor(Math.random() * 900) * 10;
      redis = spawn(
        REDIS_SERVER,
        ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      writeFileSync(
        join(dir, 'livekit.yaml'),
        [
          `port: ${port}`,
          'bind_addresses: ["127.0.0.1"]',
          'rtc:',
          `  tcp_port: ${tcpPort}`,
          `  port_range_start: ${rtcStart}`,
          `  port_range_end: ${rtcStart + 9}`,
          '  use_external_ip: false',
          'redis:',
          `  address: 127.0.0.1:${redisPort}`,
          'logging:',
          '  level: warn',
          '',
        ].join('\n'),
      );
      livekit = spawn(
        LIVEKIT_SERVER,
        ['--config', join(dir, 'livekit.yaml'), '--node-ip', '127.0.0.1'],
        { env: { ...process.env, LIVEKIT_KEYS: `${API_KEY}: ${API_SECRET}` }, stdio: 'pipe' },
      );
      livekit.stdout?.on('data', (chunk) => (logs += String(chunk)));
      livekit.stderr?.on('data', (chunk) => (logs += String(chunk)));
      url = `http://127.0.0.1:${port}`;
      await waitFor(
        async () => (await fetch(`${url}/`)).status === 200,
        `livekit-server (${logs})`,
      );
      env = {
        INIT_CWD: ROOT,
        LIVEKIT_URL: `ws://127.0.0.1:${port}`,
        LIVEKIT_API_KEY: API_KEY,
        LIVEKIT_API_SECRET: API_SECRET,
        SIP_USERNAME: 'devcaller',
        SIP_PASSWORD: PASSWORD,
      };
    });

    afterAll(async () => {
      await stop(livekit);
      await stop(redis);
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    async function sip(...argv: string[]) {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(argv, {
        env,
        cwd: ROOT,
        output: { out: (line) => out.push(line), err: (line) => err.push(line) },
        createClient: createLiveKitClient,
      });
      const text = [...out, ...err].join('\n');
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(API_SECRET);
      return { code, out: out.join('\n'), err: err.join('\n') };
    }

    const sdk = () => new SipClient(url, API_KEY, API_SECRET);
    const committed = readFileSync(join(ROOT, 'sip/trunks.yaml'), 'utf8');
    const variant = (name: string, text: string): string => {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    };

    it('plans, applies, lists, re-applies, updates, deletes, and leaves hand-made objects alone', async () => {
      // A trunk and rule an admin made by hand, without the marker.
      const hand = await sdk().createSipInboundTrunk('hand-made', ['+15550199'], {
        allowedAddresses: ['203.0.113.5'],
      });
      const handRule = await sdk().createSipDispatchRule(
        { type: 'direct', roomName: 'hand-room' },
        { name: 'hand-rule', trunkIds: [hand.sipTrunkId] },
      );

      const plan = await sip('plan');
      expect(plan.code).toBe(0);
      expect(plan.out).toContain('  + create inbound trunk "dev-inbound"');
      expect(plan.out).toContain('      auth: devcaller / ***');
      expect(plan.out).toContain('  + create dispatch rule "dev-agent"');
      expect(plan.out).toContain('  + create outbound trunk "dev-transfer"');
      expect(plan.out).toContain(`  inbound trunk "hand-made" (${hand.sipTrunkId})`);
      expect(plan.out).toContain('3 to create, 0 to update, 0 to delete, 0 unchanged.');

      const apply = await sip('apply');
      expect(apply.code).toBe(0);
      expect(apply.out).toContain('Done: 3 created, 0 updated, 0 deleted, 0 unchanged.');
      const [trunk] = (await sdk().listSipInboundTrunk()).filter((t) => t.name === 'dev-inbound');
      expect(trunk).toMatchObject({ numbers: ['+15550100'], authUsername: 'devcaller' });
      const [rule] = (await sdk().listSipDispatchRule()).filter((r) => r.name === 'dev-agent');
      expect(rule?.trunkIds).toEqual([trunk!.sipTrunkId]);
      expect(rule?.roomConfig?.agents.map((agent) => agent.agentName)).toEqual([
        'ecommerce-support',
      ]);
      // A room per call named after the called number, never the caller's (LiveKit's individual
      // rule would put the caller's number in every room name).
      expect(rule?.rule?.rule).toMatchObject({
        case: 'dispatchRuleCallee',
        value: { roomPrefix: 'call-', randomize: true },
      });
      // The dev trunk trusts any caller number (our own softphones); the rule tells the agent.
      expect(rule?.attributes).toEqual({ 'voicebot.caller_id.trust': 'any' });
      expect(trunk?.headersToAttributes).toEqual({});

      const list = await sip('list');
      expect(list.code).toBe(0);
      expect(list.out).toContain(`  ${trunk!.sipTrunkId}  dev-inbound  [managed, scope "dev"]`);
      expect(list.out).toContain('      auth: devcaller / ***');
      expect(list.out).toContain(
        `  ${hand.sipTrunkId}  hand-made  [not managed: apply never touches it]`,
      );
      expect(list.out).toContain('  dev-agent  [managed, scope "dev"]');

      const again = await sip('apply');
      expect(again).toMatchObject({
        code: 0,
        out: 'No changes: the server already matches sip/trunks.yaml (3 objects unchanged).',
      });

      // Change a number: an update in place (same ID).
      const renumbered = variant(
        'renumbered.yaml',
        committed.replace("['+15550100']\n    auth", "['+15550101']\n    auth"),
      );
      const updatePlan = await sip('plan', renumbered);
      expect(updatePlan.out).toContain(
        `  ~ update inbound trunk "dev-inbound" (${trunk!.sipTrunkId}) in place`,
      );
      expect(updatePlan.out).toContain('      numbers: +15550100 → +15550101');
      const update = await sip('apply', renumbered);
      expect(update.out).toContain(
        `  ~ updated inbound trunk "dev-inbound" (${trunk!.sipTrunkId}) in place: numbers`,
      );
      const [updated] = (await sdk().listSipInboundTrunk()).filter((t) => t.name === 'dev-inbound');
      expect(updated).toMatchObject({ sipTrunkId: trunk!.sipTrunkId, numbers: ['+15550101'] });
      expect((await sip('apply', renumbered)).out).toMatch(/^No changes/);

      // Caller ID trusted only when attested: the carrier's verification headers are mapped to
      // attributes, the rule carries the policy, and the server keeps both as written.
      const attested = variant(
        'attested.yaml',
        readFileSync(renumbered, 'utf8').replace('callerIdTrust: any', 'callerIdTrust: attested'),
      );
      const attestedApply = await sip('apply', attested);
      expect(attestedApply.out).toContain(
        `  ~ updated inbound trunk "dev-inbound" (${trunk!.sipTrunkId}) in place: headersToAttributes`,
      );
      expect(attestedApply.out).toContain(
        `  ~ updated dispatch rule "dev-agent" (${rule!.sipDispatchRuleId}) in place: attributes`,
      );
      const [withHeaders] = (await sdk().listSipInboundTrunk()).filter(
        (t) => t.name === 'dev-inbound',
      );
      expect(withHeaders?.headersToAttributes).toMatchObject({
        'X-Twilio-VerStat': 'voicebot.caller_id.x_twilio_verstat',
      });
      expect((await sip('apply', attested)).out).toMatch(/^No changes/);
      expect((await sip('apply', renumbered)).out).toContain('Done: 0 created, 2 updated');

      // SRTP required on the inbound trunk and over TLS on the outbound one: written in place, read
      // back as written (the server keeps media.encryption and the deprecated media_encryption).
      const srtp = variant(
        'srtp.yaml',
        readFileSync(renumbered, 'utf8')
          .replace('mediaEncryption: allow', 'mediaEncryption: require')
          .replace('transport: udp', 'transport: tls\n    mediaEncryption: require'),
      );
      const srtpApply = await sip('apply', srtp);
      expect(srtpApply.out).toContain(
        `  ~ updated inbound trunk "dev-inbound" (${trunk!.sipTrunkId}) in place: mediaEncryption`,
      );
      expect(srtpApply.out).toMatch(
        /updated outbound trunk "dev-transfer" .* transport, mediaEncryption/,
      );
      const [srtpIn] = (await sdk().listSipInboundTrunk()).filter((t) => t.name === 'dev-inbound');
      expect(srtpIn?.media?.encryption ?? srtpIn?.mediaEncryption).toBe(2); // REQUIRE
      expect((await sip('apply', srtp)).out).toMatch(/^No changes/);
      expect((await sip('list')).out).toContain('media encryption (SRTP): require');
      expect((await sip('apply', renumbered)).out).toContain('Done: 0 created, 2 updated');

      // Remove the rule from the file: apply deletes it, and only it.
      const withoutRule = variant(
        'without-rule.yaml',
        readFileSync(renumbered, 'utf8').split('dispatchRules:')[0]!,
      );
      const removal = await sip('apply', withoutRule);
      expect(removal.out).toContain(
        `  - deleted dispatch rule "dev-agent" (${rule!.sipDispatchRuleId})`,
      );
      expect(removal.out).toContain('Done: 0 created, 0 updated, 1 deleted, 2 unchanged.');
      const rules = await sdk().listSipDispatchRule();
      expect(rules.map((r) => r.name)).toEqual(['hand-rule']);

      // Even a file with nothing in it never deletes what was made by hand.
      const empty = await sip(
        'apply',
        variant('empty.yaml', 'scope: dev\ninbound: []\noutbound: []\ndispatchRules: []\n'),
      );
      expect(empty.code).toBe(0);
      expect((await sdk().listSipInboundTrunk()).map((t) => t.sipTrunkId)).toEqual([
        hand.sipTrunkId,
      ]);
      expect((await sdk().listSipOutboundTrunk()).map((t) => t.name)).toEqual([]);
      expect((await sdk().listSipDispatchRule()).map((r) => r.sipDispatchRuleId)).toEqual([
        handRule.sipDispatchRuleId,
      ]);

      // `delete ID` deletes by hand what apply never would.
      const deleted = await sip('delete', handRule.sipDispatchRuleId);
      expect(deleted).toMatchObject({
        code: 0,
        out: `Deleted dispatch rule "hand-rule" (${handRule.sipDispatchRuleId}).`,
      });
      expect(await sdk().listSipDispatchRule()).toEqual([]);
      expect((await sip('delete', handRule.sipDispatchRuleId)).code).toBe(1);
      expect((await sip('delete', hand.sipTrunkId)).code).toBe(0);
      expect(await sdk().listSipInboundTrunk()).toEqual([]);
    });

    it('reports that no SIP bridge answers a test call', async () => {
      expect((await sip('apply')).code).toBe(0);
      const call = await sip('call', '+15550123', '--trunk', 'dev-transfer', '--ring', '2');
      expect(call.code).toBe(1);
      expect(call.out).toContain('Dialing +15550123 through outbound trunk "dev-transfer"');
      expect(call.err).toBe(
        'Error: no SIP bridge answered: is livekit-sip running and connected to the same Redis as livekit-server?',
      );
    });

    it('works as `npm run sip -- list` (the process, ws:// URL from the environment)', () => {
      const result = spawnSync('npm', ['run', '--silent', 'sip', '-w', 'sip', '--', 'list'], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        encoding: 'utf8',
      });
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`SIP objects on ${url}:`);
      expect(result.stdout).toContain('      auth: devcaller / ***');
      expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    });

    it('says clearly when the credentials are wrong', async () => {
      const saved = env.LIVEKIT_API_SECRET!;
      env.LIVEKIT_API_SECRET = 'wrong-secret-0123456789abcdefghijklmnop';
      try {
        const result = await sip('list');
        expect(result.code).toBe(1);
        expect(result.err).toMatch(
          /refused the credentials .*check LIVEKIT_API_KEY and LIVEKIT_API_SECRET/,
        );
      } finally {
        env.LIVEKIT_API_SECRET = saved;
      }
    });

    it('applying the dev file never deletes the trunks a carrier file applied', async () => {
      const carrier = variant(
        'carrier.yaml',
        "scope: carrier\ninbound:\n  - name: carrier-in\n    numbers: ['+14155550123']\n    allowedAddresses: [203.0.113.7]\n",
      );
      expect((await sip('apply', carrier)).code).toBe(0);
      const dev = await sip('apply');
      expect(dev.code).toBe(0);
      expect((await sip('plan')).out).toMatch(
        /Applied from other files \(another scope\)[^\n]*\n {2}inbound trunk "carrier-in" \(ST_\w+\): scope "carrier"/,
      );
      const trunks = await sdk().listSipInboundTrunk();
      expect(trunks.find((t) => t.name === 'carrier-in')?.allowedAddresses).toEqual([
        '203.0.113.7/32',
      ]);
      // The carrier file relies on an allowlist: the guard that refuses other calls came with it.
      expect(trunks.find((t) => t.name === 'refuse-unmatched')?.numbers).toEqual([]);
      expect(trunks.map((t) => t.name).sort()).toEqual([
        'carrier-in',
        'dev-inbound',
        'refuse-unmatched',
      ]);
    });
  },
);

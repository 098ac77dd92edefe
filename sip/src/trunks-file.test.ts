import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  TrunksFileError,
  formatIssue as formatIssueText,
  loadTrunksFile,
  parseTrunksFile,
  type FileIssue,
} from './trunks-file.js';
import { DEFAULT_SCOPE } from './model.js';

const SIP_DIR = fileURLToPath(new URL('../', import.meta.url));
const PASSWORD = 'dev-secret-password-42';
const ENV = { SIP_USERNAME: 'devcaller', SIP_PASSWORD: PASSWORD };

function parse(text: string, env: Record<string, string | undefined> = ENV) {
  return parseTrunksFile(text, { file: 'trunks.yaml', env, defaultAgentName: 'default-agent' });
}

/** The issues a text produces (fails the test if it parses). */
function issues(text: string, env: Record<string, string | undefined> = ENV): FileIssue[] {
  try {
    parse(text, env);
  } catch (error) {
    expect(error).toBeInstanceOf(TrunksFileError);
    return [...(error as TrunksFileError).issues];
  }
  throw new Error('expected the file to be rejected');
}

const VALID = `inbound:
  - name: main
    numbers: ['+15550100']
    auth:
      username: \${SIP_USERNAME}
      password: \${SIP_PASSWORD}
outbound:
  - name: carrier
    address: sip.example.com:5060
    numbers: ['+15550100']
dispatchRules:
  - name: agent
    type: individual
    roomPrefix: call-
    trunks: [main]
`;

describe('the committed sip/trunks.yaml', () => {
  it('describes the dev trunk, rule and outbound trunk', () => {
    const text = readFileSync(`${SIP_DIR}trunks.yaml`, 'utf8');
    const { desired, secrets } = parse(text);
    expect(desired.inbound).toEqual([
      {
        name: 'dev-inbound',
        numbers: ['+15550100'],
        allowedAddresses: [],
        allowedNumbers: [],
        auth: { username: 'devcaller', password: PASSWORD },
        krisp: false,
        mediaEncryption: 'allow',
        // Labelled dev-only in the file: its callers are our own softphones.
        callerIdTrust: 'any',
      },
    ]);
    expect(desired.rules).toEqual([
      {
        name: 'dev-agent',
        rule: { type: 'callee', roomPrefix: 'call-', pin: '', randomize: true },
        trunks: ['dev-inbound'],
        agentName: 'default-agent',
        callerIdTrust: 'any',
      },
    ]);
    expect(desired.outbound).toEqual([
      {
        name: 'dev-transfer',
        address: '127.0.0.1:5070',
        transport: 'udp',
        mediaEncryption: 'disable',
        numbers: ['+15550100'],
        auth: undefined,
      },
    ]);
    expect(secrets).toEqual([PASSWORD]);
  });

  it('points dev-transfer at SIP_OUTBOUND_ADDRESS when it is set', () => {
    const text = readFileSync(`${SIP_DIR}trunks.yaml`, 'utf8');
    const { desired } = parse(text, { ...ENV, SIP_OUTBOUND_ADDRESS: '10.77.0.2:5062' });
    expect(desired.outbound[0]?.address).toBe('10.77.0.2:5062');
  });

  it('needs SIP_USERNAME and SIP_PASSWORD', () => {
    const text = readFileSync(`${SIP_DIR}trunks.yaml`, 'utf8');
    const found = issues(text, {});
    expect(found.map((issue) => issue.message)).toEqual([
      expect.stringContaining('SIP_USERNAME is not set'),
      expect.stringContaining('SIP_PASSWORD is not set'),
    ]);
  });

  it('keeps the carrier example valid', async () => {
    const file = await loadTrunksFile(`${SIP_DIR}trunks.example-carrier.yaml`, {
      file: 'example',
      env: {
        TWILIO_SIP_USERNAME: 'twilio-user',
        TWILIO_SIP_PASSWORD: 'twilio-password',
        TELNYX_SIP_USERNAME: 'telnyx-user',
        TELNYX_SIP_PASSWORD: 'telnyx-password',
      },
      defaultAgentName: 'default-agent',
    });
    expect(file.desired.inbound.map((trunk) => trunk.name)).toEqual([
      'twilio-inbound',
      'telnyx-inbound',
    ]);
    expect(file.desired.outbound[0]?.address).toBe('example.pstn.twilio.com');
    expect(file.desired.rules[0]?.trunks).toEqual(['twilio-inbound', 'telnyx-inbound']);
    // Its own scope: applying it and the dev file (scope dev) never delete each other's objects.
    expect(file.scope).toBe('carrier');
  });

  it('applies the dev file under its own scope', () => {
    const text = readFileSync(`${SIP_DIR}trunks.yaml`, 'utf8');
    expect(parse(text).scope).toBe('dev');
    expect(parse('inbound: []\n').scope).toBe(DEFAULT_SCOPE);
    expect(issues('scope: my carrier\n').map((issue) => issue.message)).toEqual([
      expect.stringMatching(/^scope: must be 1-63 letters/),
    ]);
  });
});

describe('parseTrunksFile', () => {
  it('reads a valid file', () => {
    const { desired } = parse(VALID);
    expect(desired.outbound[0]).toMatchObject({
      address: 'sip.example.com:5060',
      transport: 'auto',
      mediaEncryption: 'disable',
    });
    expect(desired.rules[0]).toMatchObject({ trunks: ['main'], agentName: 'default-agent' });
  });

  it('names the line and column of an unset variable', () => {
    expect(issues(VALID, { SIP_USERNAME: 'devcaller' })).toEqual([
      {
        file: 'trunks.yaml',
        line: 6,
        column: 17,
        message: expect.stringContaining('environment variable SIP_PASSWORD is not set'),
      },
    ]);
  });

  it('substitutes values only, never keys', () => {
    const found = issues(VALID.replace('    auth:', '    ${KEY}: x\n    auth:'), {
      ...ENV,
      KEY: 'krisp',
    });
    expect(found).toEqual([
      expect.objectContaining({ line: 4, message: 'inbound[0]: unknown key "${KEY}"' }),
    ]);
  });

  it('reports schema errors with file, line and column', () => {
    const text = `inbound:
  - name: main
    numbers: ['+15550100', '5550101']
    allowedAddresses: [10.0.0.0/33, pbx.example.com, 0.0.0.0/0, 203.0.113.0/24, '2001:db8::/32']
    krips: true
  - name: open
    numbers: ['+15550102']
outbound:
  - name: carrier
    address: sip:user@carrier.example.com
    transport: sctp
    numbers: []
dispatchRules:
  - name: agent
    type: conference
    trunks: [main]
  - name: room
    type: direct
    trunks: [main]
    pin: 1234
`;
    const found = issues(text).map((issue) => `${issue.line}:${issue.column} ${issue.message}`);
    expect(found).toEqual([
      '3:28 inbound[0].numbers[1]: must be an E.164 number: "+", country code and number, digits only (like +15550100)',
      '4:24 inbound[0].allowedAddresses[0]: has an invalid prefix length (0-32 after the "/")',
      expect.stringMatching(
        /^4:37 inbound\[0\]\.allowedAddresses\[1\]: must be an IP address or CIDR/,
      ),
      '4:54 inbound[0].allowedAddresses[2]: allows every address: leave allowedAddresses out and use auth instead',
      '5:5 inbound[0]: unknown key "krips"',
      expect.stringMatching(
        /^6:5 inbound\[1\]: an inbound trunk needs digest credentials \(auth\) or an allowedAddresses list/,
      ),
      expect.stringMatching(/^10:14 outbound\[0\]\.address: must be host\[:port\]/),
      '11:16 outbound[0].transport: must be one of auto, udp, tcp, tls',
      '12:14 outbound[0].numbers: needs at least 1 number',
      '15:11 dispatchRules[0].type: must be individual (a room per call), direct (one named room) or callee',
      '17:5 dispatchRules[1].roomName: is required',
      '20:10 dispatchRules[1].pin: must be digits in quotes, like "1234"',
    ]);
  });

  it('writes a bare IP as a one-address CIDR, so a From host equal to it matches nothing', () => {
    const { desired } = parse(`inbound:
  - name: carrier
    numbers: ['+15550100']
    allowedAddresses: [198.51.100.10, 203.0.113.0/30, '2001:db8::7', '2001:db8::/48']
`);
    expect(desired.inbound[0]?.allowedAddresses).toEqual([
      '198.51.100.10/32',
      '203.0.113.0/30',
      '2001:db8::7/128',
      '2001:db8::/48',
    ]);
  });

  it('refuses an address the bridge would never match or that repeats another', () => {
    const text = `inbound:
  - name: carrier
    numbers: ['+15550100']
    allowedAddresses: ['fe80::1%eth0']
`;
    expect(issues(text).map((issue) => `${issue.line}:${issue.column} ${issue.message}`)).toEqual([
      '4:24 inbound[0].allowedAddresses[0]: must not name a network interface (no "%" zone)',
    ]);
    const repeated = text.replace("'fe80::1%eth0'", '198.51.100.10, 198.51.100.10/32');
    expect(
      issues(repeated).map((issue) => `${issue.line}:${issue.column} ${issue.message}`),
    ).toEqual(['4:39 inbound[0].allowedAddresses[1]: repeats an earlier address']);
  });

  it('checks names and references across entries', () => {
    const text = `inbound:
  - name: main
    numbers: ['+15550100', '+15550100']
    allowedAddresses: [203.0.113.7]
outbound:
  - name: main
    address: carrier.example.com
    numbers: ['+15550100']
  - name: carrier
    address: carrier.example.com
    numbers: ['+15550100']
dispatchRules:
  - name: agent
    type: individual
    roomPrefix: call-
    trunks: [main, carrier, missing]
  - name: agent
    type: callee
    roomPrefix: c-
    trunks: [main]
`;
    const found = issues(text).map((issue) => `${issue.line}:${issue.column} ${issue.message}`);
    expect(found).toEqual([
      '3:28 inbound[0].numbers[1]: repeats an earlier number',
      '6:11 outbound[0].name: the name "main" is already used by inbound[0]: trunk names must be unique',
      '16:20 dispatchRules[0].trunks[1]: "carrier" is an outbound trunk: dispatch rules apply to inbound trunks',
      '16:29 dispatchRules[0].trunks[2]: no inbound trunk named "missing" in this file',
      '17:11 dispatchRules[1].name: the name "agent" is already used by dispatchRules[0]: rule names must be unique',
    ]);
  });

  it('reports YAML syntax errors and duplicate keys with their line', () => {
    expect(issues('inbound:\n  - name: [unclosed\n')).toEqual([
      expect.objectContaining({ line: 3, message: expect.stringMatching(/^YAML: /) }),
    ]);
    expect(issues(`${VALID}inbound: []\n`)).toEqual([
      expect.objectContaining({ line: 16, message: 'YAML: Map keys must be unique' }),
    ]);
  });

  it('rejects an empty file and unknown top-level keys', () => {
    expect(issues('# nothing yet\n')).toEqual([
      expect.objectContaining({
        line: undefined,
        message: expect.stringMatching(/^the file is empty/),
      }),
    ]);
    expect(issues(`${VALID}trunks: []\n`)).toEqual([
      expect.objectContaining({ line: 16, column: 1, message: 'unknown key "trunks"' }),
    ]);
  });

  it('accepts empty lists written as a bare key', () => {
    const { desired } = parse('inbound:\noutbound:\ndispatchRules:\n');
    expect(desired).toEqual({ inbound: [], outbound: [], rules: [] });
  });

  it('never repeats a value in its messages', () => {
    const text = VALID.replace("'+15550100'", "'${SIP_PASSWORD}'");
    const found = issues(text);
    expect(found).toHaveLength(1);
    expect(JSON.stringify(found)).not.toContain(PASSWORD);
  });

  it('reads rule options and an explicit agent', () => {
    const text = `${VALID}  - name: desk
    type: direct
    roomName: front-desk
    pin: '0042'
    trunks: [main]
    agentName: other-agent
  - name: per-number
    type: callee
    roomPrefix: n-
    randomize: true
    trunks: [main]
`;
    const { desired } = parse(text);
    expect(desired.rules.slice(1)).toEqual([
      {
        name: 'desk',
        rule: { type: 'direct', roomName: 'front-desk', pin: '0042' },
        trunks: ['main'],
        agentName: 'other-agent',
        callerIdTrust: 'attested',
      },
      {
        name: 'per-number',
        rule: { type: 'callee', roomPrefix: 'n-', pin: '', randomize: true },
        trunks: ['main'],
        agentName: 'default-agent',
        callerIdTrust: 'attested',
      },
    ]);
  });

  it('names a room per call after the called number, never the caller (individual)', () => {
    // LiveKit's individual rule would name it <prefix>_<caller's number>_<random>.
    const { desired } = parse(VALID);
    expect(desired.rules[0]?.rule).toEqual({
      type: 'callee',
      roomPrefix: 'call-',
      pin: '',
      randomize: true,
    });
  });

  it('trusts caller ID only when attested unless the trunk says otherwise, and tells the rule', () => {
    const { desired } = parse(VALID);
    expect(desired.inbound[0]?.callerIdTrust).toBe('attested');
    expect(desired.rules[0]?.callerIdTrust).toBe('attested');
    const never = parse(
      VALID.replace('  - name: main\n', '  - name: main\n    callerIdTrust: never\n'),
    );
    expect(never.desired.inbound[0]?.callerIdTrust).toBe('never');
    expect(never.desired.rules[0]?.callerIdTrust).toBe('never');
    const always = VALID.replace('  - name: main\n', '  - name: main\n    callerIdTrust: always\n');
    expect(issues(always).map((issue) => issue.message)).toEqual([
      'inbound[0].callerIdTrust: must be one of attested, any, never',
    ]);
  });

  it('writes no SRTP unless a trunk asks for it, and knows only the three settings', () => {
    const { desired } = parse(VALID);
    expect(desired.inbound[0]?.mediaEncryption).toBe('disable');
    expect(desired.outbound[0]?.mediaEncryption).toBe('disable');
    const srtp = parse(
      VALID.replace('  - name: main\n', '  - name: main\n    mediaEncryption: require\n').replace(
        '    address: sip.example.com:5060\n',
        '    address: sip.example.com:5061\n    transport: tls\n    mediaEncryption: allow\n',
      ),
    );
    expect(srtp.desired.inbound[0]?.mediaEncryption).toBe('require');
    expect(srtp.desired.outbound[0]).toMatchObject({ transport: 'tls', mediaEncryption: 'allow' });
    const typo = VALID.replace(
      '  - name: main\n',
      '  - name: main\n    mediaEncryption: required\n',
    );
    expect(issues(typo).map(formatIssueText)).toEqual([
      'trunks.yaml:3:22: inbound[0].mediaEncryption: must be one of disable, allow, require',
    ]);
  });

  it('refuses a rule over trunks with different caller ID policies', () => {
    const text = VALID.replace('  - name: main\n', '  - name: main\n    callerIdTrust: any\n')
      .replace(
        'outbound:',
        `  - name: carrier-in
    numbers: ['+15550101']
    allowedAddresses: [203.0.113.9]
outbound:`,
      )
      .replace('trunks: [main]', 'trunks: [main, carrier-in]');
    expect(issues(text).map((issue) => issue.message)).toEqual([
      expect.stringContaining(
        'dispatchRules[0].trunks: names trunks with different callerIdTrust (any, attested)',
      ),
    ]);
  });

  it('reports a missing file by name', async () => {
    await expect(
      loadTrunksFile('/nonexistent/trunks.yaml', {
        file: 'x.yaml',
        env: {},
        defaultAgentName: 'a',
      }),
    ).rejects.toThrow('x.yaml: no such file');
  });
});

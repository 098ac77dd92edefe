// The shipped fail2ban filter (sip/fail2ban/filter.d/livekit-sip.conf), run by Debian's own
// fail2ban-regex on real bridge lines recorded by the e2e scenario digest-failures (callers'
// numbers replaced by fake ones): no stack needed. `npm run setup` installs fail2ban, so a missing
// fail2ban-regex is a failure, not a skip.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIR = fileURLToPath(new URL('../fail2ban/', import.meta.url));
const FILTER = join(DIR, 'filter.d/livekit-sip.conf');
/** The bridge's lines as `npm start` prints them ("[sip] " first), livekit-sip v1.8.0 at info. */
const SAMPLE = readFileSync(join(DIR, 'testdata/bridge-npm-start.txt'), 'utf8');

/** The guesser: 3 wrong passwords, 1 wrong user name, 1 unparsable and 1 unchallenged digest. */
const ATTACKER = '10.77.0.21';
const ATTEMPTS = 6;
/** Written by the guesser as From host (wrong passwords) and inside a Call-ID (fake fromIP). */
const FRAMED = '10.77.0.22';
/** The legitimate caller (STACK_IP), whose call was answered. */
const CALLER = '10.77.0.1';

/** fail2ban-regex's `-o ip`: the <HOST> of each matched line. */
function matchedHosts(lines: string): string[] {
  const file = join(mkdtempSync(join(tmpdir(), 'f2b-')), 'bridge.log');
  writeFileSync(file, lines);
  let out: string;
  try {
    out = execFileSync('fail2ban-regex', ['-o', 'ip', file, FILTER], { encoding: 'utf8' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error("fail2ban-regex not found: `npm run setup` installs Debian's fail2ban");
    throw error;
  }
  return out.split('\n').filter((line) => line.trim() !== '');
}

const mapLines = (text: string, map: (line: string) => string) =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => `${map(line)}\n`)
    .join('');

describe('the fail2ban filter on real bridge lines', () => {
  it('holds each of the four digest failures, and a spoofed From host and Call-ID', () => {
    for (const message of [
      'Authentication failed - response mismatch',
      'Authentication failed - username mismatch',
      'Failed to parse Proxy-Authorization credentials',
      'No challenge state found for authentication attempt',
    ])
      expect(SAMPLE).toMatch(new RegExp(`\\tWARN\\tsip\\tsip/inbound\\.go:\\d+\\t${message}\\t`));
    expect(SAMPLE).toContain(`"fromHost": "${FRAMED}"`);
    expect(SAMPLE).toContain(`\\"fromIP\\": \\"${FRAMED}\\"`);
    expect(SAMPLE).toContain('SIP invite authentication successful');
  });

  it("bans the attacker's source address once per failed attempt, and nobody else", () => {
    expect(matchedHosts(SAMPLE)).toEqual(Array<string>(ATTEMPTS).fill(ATTACKER));
  });

  it('reads the bare lines of docker logs and the journal the same way', () => {
    const bare = mapLines(SAMPLE, (line) => line.replace(/^\[sip\] /, ''));
    expect(matchedHosts(bare)).toEqual(Array<string>(ATTEMPTS).fill(ATTACKER));
    // What fail2ban's systemd backend hands the filter: "HOST IDENT[PID]: MESSAGE".
    const journal = mapLines(bare, (line) => `voicebot livekit-sip[4242]: ${line}`);
    expect(matchedHosts(journal)).toEqual(Array<string>(ATTEMPTS).fill(ATTACKER));
  });

  it('never takes a host from a header: with fromIP gone, nothing matches', () => {
    // The same lines, but the socket's address removed: a filter that fell back on fromHost, or
    // on the "fromIP" the Call-ID spells, would still ban someone (FRAMED).
    const withoutSource = mapLines(SAMPLE, (line) =>
      line.replace(`, "fromIP": "${ATTACKER}"`, '').replace(`, "fromIP": "${CALLER}"`, ''),
    );
    expect(matchedHosts(withoutSource)).toEqual([]);
  });

  it('does not match the answered call nor any info line', () => {
    const info = mapLines(SAMPLE, (line) => (line.includes('\tWARN\t') ? '' : line));
    expect(info).toContain(`"fromIP": "${CALLER}"`);
    expect(matchedHosts(info)).toEqual([]);
  });
});

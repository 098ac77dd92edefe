// The bridge's TLS files: setup's "Dev certificate" step (run in a scratch folder) and how the
// stack picks the files.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DEV_TLS_DIR, devTlsCaFile, sipTlsFiles } from './sip-tls.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const setup = readFileSync(join(ROOT, 'scripts/setup.sh'), 'utf8');
const tlsStep = setup.slice(
  setup.indexOf('step "Dev certificate'),
  setup.indexOf('step "Environment file"'),
);

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const runStep = () =>
  execFileSync(
    'bash',
    ['-euo', 'pipefail', '-c', `step() { :; }\nfail() { exit 1; }\n${tlsStep}`],
    {
      cwd: dir,
      encoding: 'utf8',
    },
  );

describe("setup's dev certificate", () => {
  it('is a server certificate for the stack addresses, signed by a CA whose key is gone', () => {
    dir = mkdtempSync(join(tmpdir(), 'setup-tls-'));
    writeFileSync(join(dir, '.env'), 'STACK_IP=10.1.2.3\n');
    expect(runStep()).toMatch(/^created .*sip\.crt/m);
    const tls = join(dir, DEV_TLS_DIR);
    expect(statSync(join(tls, 'sip.key')).mode & 0o777).toBe(0o600);
    const cert = new X509Certificate(readFileSync(join(tls, 'sip.crt')));
    const ca = new X509Certificate(readFileSync(devTlsCaFile(dir)));
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.ca).toBe(false);
    for (const ip of ['127.0.0.1', '10.77.0.1', '10.1.2.3']) expect(cert.checkIP(ip)).toBe(ip);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('10.9.9.9')).toBeUndefined();
    expect(() => statSync(join(tls, 'ca.key'))).toThrow();
  });

  it('is kept on a second run, and made anew when STACK_IP is not in it', () => {
    dir = mkdtempSync(join(tmpdir(), 'setup-tls-'));
    runStep();
    const first = readFileSync(join(dir, DEV_TLS_DIR, 'sip.crt'), 'utf8');
    expect(runStep()).toMatch(/^present: /m);
    expect(readFileSync(join(dir, DEV_TLS_DIR, 'sip.crt'), 'utf8')).toBe(first);
    writeFileSync(join(dir, '.env'), 'STACK_IP=10.1.2.4\n');
    expect(runStep()).toMatch(/^created /m);
    const cert = new X509Certificate(readFileSync(join(dir, DEV_TLS_DIR, 'sip.crt')));
    expect(cert.checkIP('10.1.2.4')).toBe('10.1.2.4');
  });
});

describe('sipTlsFiles', () => {
  it('defaults to the dev certificate and resolves relative paths from the root', () => {
    dir = mkdtempSync(join(tmpdir(), 'sip-tls-'));
    runStep();
    expect(sipTlsFiles(dir, {})).toEqual({
      certFile: join(dir, DEV_TLS_DIR, 'sip.crt'),
      keyFile: join(dir, DEV_TLS_DIR, 'sip.key'),
    });
    writeFileSync(join(dir, 'real.pem'), 'x');
    expect(sipTlsFiles(dir, { SIP_TLS_CERT_FILE: 'real.pem', SIP_TLS_KEY_FILE: '' })).toEqual({
      certFile: join(dir, 'real.pem'),
      keyFile: join(dir, DEV_TLS_DIR, 'sip.key'),
    });
  });

  it('refuses to start without a readable certificate, naming the variable', () => {
    dir = mkdtempSync(join(tmpdir(), 'sip-tls-'));
    expect(() => sipTlsFiles(dir!, {})).toThrow(/^SIP_TLS_CERT_FILE: cannot read .*npm run setup/);
    expect(() =>
      sipTlsFiles(dir!, { SIP_TLS_CERT_FILE: '/etc/hostname', SIP_TLS_KEY_FILE: '/nope.pem' }),
    ).toThrow(/^SIP_TLS_KEY_FILE: cannot read \/nope\.pem/);
  });
});

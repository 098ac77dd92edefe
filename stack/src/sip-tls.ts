// The certificate the SIP bridge serves SIP over TLS (port 5061) with: SIP_TLS_CERT_FILE and
// SIP_TLS_KEY_FILE when set, else the dev certificate `npm run setup` makes in .tools/tls.
import { accessSync, constants } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/** Where setup writes the dev certificate, its key and the CA that signed it (repo-relative). */
export const DEV_TLS_DIR = '.tools/tls';

export interface SipTlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/** The dev CA clients verify the dev certificate with (softphones, the e2e caller). */
export function devTlsCaFile(root: string): string {
  return join(root, DEV_TLS_DIR, 'ca.crt');
}

/**
 * Absolute paths of the bridge's certificate and key. Throws, naming the file, when one cannot be
 * read: livekit-sip would otherwise exit at start with a status of 0 and only a log line to say why.
 */
export function sipTlsFiles(
  root: string,
  env: Readonly<Record<string, string | undefined>>,
): SipTlsFiles {
  const pick = (value: string | undefined, fallback: string) => {
    const path = value === undefined || value.trim() === '' ? fallback : value.trim();
    return isAbsolute(path) ? path : resolve(root, path);
  };
  const files = {
    certFile: pick(env.SIP_TLS_CERT_FILE, join(DEV_TLS_DIR, 'sip.crt')),
    keyFile: pick(env.SIP_TLS_KEY_FILE, join(DEV_TLS_DIR, 'sip.key')),
  };
  for (const [variable, path] of [
    ['SIP_TLS_CERT_FILE', files.certFile],
    ['SIP_TLS_KEY_FILE', files.keyFile],
  ] as const) {
    try {
      accessSync(path, constants.R_OK);
    } catch {
      throw new Error(
        `${variable}: cannot read ${path} (SIP over TLS needs it): run \`npm run setup\` for the ` +
          `dev certificate, or set ${variable} in .env to a real one`,
      );
    }
  }
  return files;
}

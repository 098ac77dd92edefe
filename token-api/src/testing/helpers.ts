// Shared by the tests: a valid environment, loggers, and a token decoder.
import { pino, type Logger } from 'pino';
import { TokenVerifier } from 'livekit-server-sdk';
import { loadConfig, type TokenApiConfig } from '../config.js';
import { createLogger } from '../logger.js';
import type { ReadinessCheck } from '../readiness.js';

export const API_KEY = 'test-api-key';
export const API_SECRET = 'test-api-secret-0123456789-abcdefghijklmnop';
export const PASSCODE = 'open-sesame-passcode-42';
export const BASIC_USER = 'qa';
export const BASIC_PASSWORD = 'basic-password-0123456789';

/** The smallest valid environment, plus overrides (an empty string unsets a variable). */
export function testEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    LIVEKIT_URL: 'ws://127.0.0.1:7880',
    LIVEKIT_API_KEY: API_KEY,
    LIVEKIT_API_SECRET: API_SECRET,
    WEB_TEST_DIR: '/nonexistent/web-test/dist',
    ...overrides,
  };
}

export function testConfig(overrides: Record<string, string> = {}): TokenApiConfig {
  return loadConfig(testEnv(overrides));
}

export const silentLogger: Logger = pino({ level: 'silent' });

/** The production logger (same redaction) writing every line into an array. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger('trace', { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

export const alwaysReady: ReadinessCheck = async () => ({ ready: true });

export interface TokenClaims {
  iss: string;
  sub: string;
  nbf: number;
  exp: number;
  name?: string;
  attributes?: Record<string, string>;
  metadata?: string;
  video: Record<string, unknown>;
  roomConfig?: { agents?: { agentName: string; metadata?: string }[] };
}

/** Verifies the signature with the API secret and returns the claims. */
export async function decodeToken(token: string): Promise<TokenClaims> {
  return (await new TokenVerifier(API_KEY, API_SECRET).verify(token)) as unknown as TokenClaims;
}

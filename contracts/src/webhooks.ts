// What livekit-server (livekit.yaml), the stack runner, compose and the switchboard share about
// livekit-server's webhooks.

/**
 * The API key name livekit-server signs webhooks with (livekit.yaml `webhook.api_key`). The runner
 * and compose register it with the same secret as LIVEKIT_API_KEY (LIVEKIT_KEYS holds both), so
 * livekit.yaml can name it without knowing the deployment's key; the switchboard verifies with it.
 */
export const WEBHOOK_API_KEY_NAME = 'livekit-webhooks';

/** Where the switchboard receives them. */
export const SWITCHBOARD_WEBHOOK_PATH = '/webhook';

/** LIVEKIT_KEYS for livekit-server: the deployment's key and the webhook key, one secret. */
export function livekitKeys(apiKey: string, apiSecret: string): string {
  return `${apiKey}: ${apiSecret}\n${WEBHOOK_API_KEY_NAME}: ${apiSecret}`;
}

/**
 * The switchboard joins a call room under identities with this prefix when it speaks to a caller
 * itself (queue message and hold audio, or the line-down apology). The agent workers' call
 * recovery leaves such rooms to the switchboard.
 */
export const SWITCHBOARD_IDENTITY_PREFIX = 'switchboard-';

import express, { Router } from 'express';
import { SWITCHBOARD_WEBHOOK_PATH } from '@ecommerce-voicebot/contracts';
import type { WebhookEvent, WebhookReceiver } from 'livekit-server-sdk';
import { UnsignedWebhookError } from '../errors.js';

/**
 * `POST /webhook`: livekit-server's events, accepted only when signed with the API secret (the
 * body's SHA-256 in a JWT in `Authorization`), so nobody else can feed the switchboard calls.
 */
export function createWebhookRouter(deps: {
  receiver: Pick<WebhookReceiver, 'receive'>;
  handle: (event: WebhookEvent) => Promise<void>;
}): Router {
  const router = Router();
  // The raw text: the signature covers the exact bytes livekit-server sent.
  router.post(
    SWITCHBOARD_WEBHOOK_PATH,
    express.raw({ type: () => true, limit: '256kb' }),
    async (req, res) => {
      const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
      let event: WebhookEvent;
      try {
        event = await deps.receiver.receive(body, req.get('Authorization') ?? undefined);
      } catch {
        throw new UnsignedWebhookError();
      }
      await deps.handle(event);
      res.status(200).json({ status: 'ok' });
    },
  );
  return router;
}

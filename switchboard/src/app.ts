import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { WebhookEvent, WebhookReceiver } from 'livekit-server-sdk';
import { errorHandler, NotFoundError } from './errors.js';
import { createWebhookRouter } from './routes/webhook.js';

export interface AppDeps {
  receiver: Pick<WebhookReceiver, 'receive'>;
  handle: (event: WebhookEvent) => Promise<void>;
  logger: Logger;
}

/** `GET /healthz` and livekit-server's signed webhooks at `POST /webhook`. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  app.use(createWebhookRouter(deps));
  app.use((_req, _res, next) => next(new NotFoundError()));
  app.use(errorHandler(deps.logger));
  return app;
}

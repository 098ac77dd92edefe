// The webhook endpoint as an attacker sees it: it must act only on events livekit-server signed.
import { describe, expect, it, vi } from 'vitest';
import request from 'supertest';
import { pino } from 'pino';
import { WebhookReceiver, type WebhookEvent } from 'livekit-server-sdk';
import { createApp } from './app.js';
import { signedWebhook, TEST_KEY, TEST_SECRET, webhookEvent } from './testing/webhooks.js';

function setup() {
  const handled: WebhookEvent[] = [];
  const handle = vi.fn(async (event: WebhookEvent) => void handled.push(event));
  const app = createApp({
    receiver: new WebhookReceiver(TEST_KEY, TEST_SECRET),
    handle,
    logger: pino({ level: 'silent' }),
  });
  return { app, handled, handle };
}

const joined = () =>
  webhookEvent('participant_joined', { room: 'call-1', number: '+14155550100', trunkId: 'TR_1' });

async function post(app: ReturnType<typeof setup>['app'], body: string, authorization?: string) {
  const req = request(app).post('/webhook').set('Content-Type', 'application/webhook+json');
  return (authorization === undefined ? req : req.set('Authorization', authorization)).send(body);
}

describe('POST /webhook', () => {
  it('handles an event signed with the API secret', async () => {
    const { app, handled } = setup();
    const { body, authorization } = await signedWebhook(joined());
    const res = await post(app, body, authorization);
    expect(res.status).toBe(200);
    expect(handled).toHaveLength(1);
    expect(handled[0]!.event).toBe('participant_joined');
    expect(handled[0]!.participant?.attributes['sip.trunkID']).toBe('TR_1');
  });

  it('refuses an unsigned event', async () => {
    const { app, handle } = setup();
    const { body } = await signedWebhook(joined());
    const res = await post(app, body);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(handle).not.toHaveBeenCalled();
  });

  it('refuses an event signed with another secret', async () => {
    const { app, handle } = setup();
    const { body, authorization } = await signedWebhook(joined(), 'someone-elses-secret-0123456');
    expect((await post(app, body, authorization)).status).toBe(401);
    expect(handle).not.toHaveBeenCalled();
  });

  it('refuses a signed event whose body was changed (a replayed signature on a forged body)', async () => {
    const { app, handle } = setup();
    const { authorization } = await signedWebhook(joined());
    const forged = webhookEvent('room_finished', { room: 'call-1' }).toJsonString();
    expect((await post(app, forged, authorization)).status).toBe(401);
    expect(handle).not.toHaveBeenCalled();
  });

  it('answers 404 elsewhere and 200 on /healthz', async () => {
    const { app } = setup();
    expect((await request(app).get('/nope')).status).toBe(404);
    expect((await request(app).get('/healthz')).body).toEqual({ status: 'ok' });
  });
});

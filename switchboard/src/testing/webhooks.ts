// Webhook requests as livekit-server sends them: protobuf JSON, signed with the API secret.
import { createHash } from 'node:crypto';
import {
  ParticipantInfo,
  ParticipantInfo_Kind,
  Room,
  WebhookEvent as ProtoWebhookEvent,
} from '@livekit/protocol';
import { AccessToken, WebhookEvent, type WebhookEventNames } from 'livekit-server-sdk';

export const TEST_KEY = 'switchboard-test-key';
export const TEST_SECRET = 'switchboard-test-secret-0123456789abcdef';

export interface CallerFields {
  room: string;
  identity?: string;
  number?: string;
  trunkId?: string;
  kind?: ParticipantInfo_Kind;
}

let eventCount = 0;

export function webhookEvent(name: WebhookEventNames, caller: CallerFields): WebhookEvent {
  const attributes: Record<string, string> = {};
  if (caller.number !== undefined) attributes['sip.phoneNumber'] = caller.number;
  if (caller.trunkId !== undefined) attributes['sip.trunkID'] = caller.trunkId;
  // Through JSON, as the receiver builds it (the SDK's subclass resets `event` when constructed).
  const proto = new ProtoWebhookEvent({
    event: name,
    id: `EV_${++eventCount}`,
    createdAt: BigInt(Math.floor(Date.now() / 1000)),
    room: new Room({ name: caller.room }),
    ...(name === 'room_finished' || name === 'room_started'
      ? {}
      : {
          participant: new ParticipantInfo({
            identity: caller.identity ?? `sip_${caller.room}`,
            kind: caller.kind ?? ParticipantInfo_Kind.SIP,
            attributes,
          }),
        }),
  });
  return WebhookEvent.fromJsonString(proto.toJsonString());
}

/** The body and `Authorization` header livekit-server would send for `event`. */
export async function signedWebhook(
  event: WebhookEvent,
  secret = TEST_SECRET,
): Promise<{ body: string; authorization: string }> {
  const body = event.toJsonString();
  const token = new AccessToken(TEST_KEY, secret);
  token.sha256 = createHash('sha256').update(body).digest('base64');
  return { body, authorization: await token.toJwt() };
}

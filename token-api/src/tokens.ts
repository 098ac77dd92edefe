import { randomUUID } from 'node:crypto';
import { QA_CALLER_NUMBER_ATTRIBUTE, QA_ROOM_PREFIX } from '@ecommerce-voicebot/contracts';
import {
  AccessToken,
  RoomAgentDispatch,
  RoomConfiguration,
  TrackSource,
  type VideoGrant,
} from 'livekit-server-sdk';
import type { TokenRequest } from './token-request.js';

/** The switchboard recognises testers' rooms by it (contracts/src/dispatch.ts). */
export const ROOM_PREFIX = QA_ROOM_PREFIX;
export const DEFAULT_PARTICIPANT_NAME = 'QA tester';

export interface TokenIssuerOptions {
  apiKey: string;
  apiSecret: string;
  /** Given to clients as server_url. */
  serverUrl: string;
  agentName: string;
  ttlSeconds: number;
}

/** One tester session: a new room, a new identity, and the token that joins them. */
export interface IssuedSession {
  serverUrl: string;
  participantToken: string;
  roomName: string;
  identity: string;
}

export interface TokenIssuer {
  issue(request: TokenRequest): Promise<IssuedSession>;
}

/** Mints tokens for one room each, with the agent dispatched in the token's room configuration. */
export function createTokenIssuer(options: TokenIssuerOptions): TokenIssuer {
  const { apiKey, apiSecret, serverUrl, agentName, ttlSeconds } = options;
  return {
    async issue(request) {
      // 20 hex digits of a v4 UUID (76 random bits; randomUUID draws from a buffered pool).
      const roomName = `${ROOM_PREFIX}${randomUUID().replace(/-/g, '').slice(0, 20)}`;
      const identity = randomUUID();
      const token = new AccessToken(apiKey, apiSecret, {
        identity,
        name: request.participantName ?? DEFAULT_PARTICIPANT_NAME,
        ttl: ttlSeconds,
        ...(request.callerNumber === undefined
          ? {}
          : { attributes: { [QA_CALLER_NUMBER_ATTRIBUTE]: request.callerNumber } }),
      });
      const grant: VideoGrant = {
        room: roomName,
        roomJoin: true,
        canPublish: true,
        canPublishSources: [TrackSource.MICROPHONE],
        canSubscribe: true,
        canPublishData: true,
        // Attributes carry the trusted caller number: the tester must not rewrite them.
        canUpdateOwnMetadata: false,
      };
      token.addGrant(grant);
      token.roomConfig = new RoomConfiguration({
        agents: [new RoomAgentDispatch({ agentName })],
      });
      return { serverUrl, participantToken: await token.toJwt(), roomName, identity };
    },
  };
}

// The OpenAI Realtime wire types, taken from the `openai` package (the version the LiveKit plugin
// installs), so the compiler checks every event the emulator emits against what OpenAI publishes.
// Type-only: nothing here exists at run time.
import type * as Ga from 'openai/resources/realtime/realtime';
import type { RealtimeSessionCreateResponse } from 'openai/resources/realtime/client-secrets';
import type * as Beta from 'openai/resources/beta/realtime/realtime';
import type { Session as BetaSessionObject } from 'openai/resources/beta/realtime/sessions';

/** Every GA server event (`event_id` included). */
export type GaServerEvent = Ga.RealtimeServerEvent;
/** Every server event of the beta protocol (`OpenAI-Beta: realtime=v1`, legacy Azure). */
export type BetaServerEvent = Beta.RealtimeServerEvent;
export type GaClientEvent = Ga.RealtimeClientEvent;
export type BetaClientEvent = Beta.RealtimeClientEvent;

type WithoutEventId<E> = E extends unknown ? Omit<E, 'event_id'> : never;
/** A GA server event before `send` stamps its `event_id`. */
export type ServerEventBody = WithoutEventId<GaServerEvent>;

export type ConversationItem = Ga.ConversationItem;
export type AssistantContent = Ga.RealtimeConversationItemAssistantMessage.Content;
export type UserContent = Ga.RealtimeConversationItemUserMessage.Content;
export type RealtimeResponse = Ga.RealtimeResponse;
export type RealtimeResponseUsage = Ga.RealtimeResponseUsage;
export type RealtimeResponseStatus = Ga.RealtimeResponseStatus;
export type RealtimeError = Ga.RealtimeError;
export type AudioFormat = Ga.RealtimeAudioFormats;
export type TurnDetectionConfig = Ga.RealtimeAudioInputTurnDetection;
export type AudioTranscription = Ga.AudioTranscription;
export type FunctionTool = Ga.RealtimeFunctionTool;
export type SessionUpdateRequest = Ga.RealtimeSessionCreateRequest;
export type ResponseCreateParams = Ga.RealtimeResponseCreateParams;
/**
 * The `session` of `session.created` / `.updated`. The SDK types that field as the create
 * *request*; the server sends the create *response* (with `id`, `object`, `expires_at`), which the
 * compiler checks is assignable to the request type too.
 */
export type GaSessionObject = RealtimeSessionCreateResponse;

export type BetaConversationItem = Beta.ConversationItem;
export type BetaResponse = Beta.RealtimeResponse;
export type BetaSession = BetaSessionObject;
export type BetaSessionUpdate = Beta.SessionUpdateEvent.Session;
export type BetaResponseCreate = NonNullable<Beta.ResponseCreateEvent['response']>;

/**
 * Compile-time check that `T` is assignable to `U`: `AssertAssignable<z.infer<typeof s>, OpenAIType>`
 * fails `npm run typecheck` when a schema accepts a shape the published type does not.
 */
export type AssertAssignable<T extends U, U> = T;

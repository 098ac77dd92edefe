// Type-level conformance, checked by `npm run typecheck` (tsc compiles this file; at run time the
// assertions are no-ops). Each `@ts-expect-error` proves a check bites: if the emulator's types
// stopped being tied to the `openai` package, the directive itself would become an error.
import type {
  RealtimeServerEvent as OpenAIServerEvent,
  RealtimeClientEvent as OpenAIClientEvent,
  SessionCreatedEvent,
} from 'openai/resources/realtime/realtime';
import type { RealtimeServerEvent as OpenAIBetaServerEvent } from 'openai/resources/beta/realtime/realtime';
import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { toBetaEvent } from './beta-dialect.js';
import type { GaClientEventParsed, SchemaConformance, gaItemSchema } from './client-events.js';
import type { RealtimeErrorBody } from './errors.js';
import { gaSessionObject } from './protocol.js';
import type { responseObject } from './response-object.js';
import type { SessionContext } from './session-context.js';
import type { AssertAssignable, GaServerEvent, ServerEventBody } from './wire-types.js';

describe('types tied to the openai package', () => {
  it('every server event the emulator sends is an openai RealtimeServerEvent', () => {
    expectTypeOf<GaServerEvent>().toEqualTypeOf<OpenAIServerEvent>();
    expectTypeOf<Parameters<SessionContext['send']>[0]>().toEqualTypeOf<ServerEventBody>();
    expectTypeOf<ServerEventBody & { event_id: string }>().toMatchTypeOf<OpenAIServerEvent>();
    // Beta connections get the beta form, typed as the beta RealtimeServerEvent.
    expectTypeOf(toBetaEvent).returns.toEqualTypeOf<OpenAIBetaServerEvent | null>();
    // The session and response objects are the published ones.
    expectTypeOf(gaSessionObject).returns.toMatchTypeOf<SessionCreatedEvent['session']>();
    expectTypeOf<ReturnType<typeof responseObject>>().toMatchTypeOf<
      Extract<OpenAIServerEvent, { type: 'response.done' }>['response']
    >();
    // Errors fill every field of the published error (null where unknown).
    expectTypeOf<RealtimeErrorBody>().toMatchTypeOf<
      Extract<OpenAIServerEvent, { type: 'error' }>['error']
    >();
  });

  it('rejects at compile time what the openai types reject', () => {
    const send = (() => undefined) as SessionContext['send'];
    // @ts-expect-error not an event type OpenAI sends
    send({ type: 'response.audio.delta', delta: '' });
    const betaPart = { type: 'audio' } as const;
    const item = { type: 'message', role: 'assistant', content: [betaPart] } as const;
    // @ts-expect-error a GA content item part is output_audio, not audio
    send({ type: 'conversation.item.added', item });
    // @ts-expect-error status_details.reason outside the published set
    send({ type: 'response.done', response: { status_details: { reason: 'because' } } });
    expectTypeOf(send).toBeFunction();
  });

  it('client event schemas accept only shapes the openai types allow', () => {
    // The schema tuple is checked where it is declared; referencing it keeps it compiled here.
    expectTypeOf<SchemaConformance>().toBeArray();
    // session.update differs only by the documented nulls (see ExceptGaNulls in client-events.ts).
    expectTypeOf<
      Exclude<GaClientEventParsed, { type: 'session.update' }>
    >().toMatchTypeOf<OpenAIClientEvent>();
    expectTypeOf<z.infer<typeof gaItemSchema>>().toMatchTypeOf<
      Extract<OpenAIClientEvent, { type: 'conversation.item.create' }>['item']
    >();
    // A looser schema would fail the same assertion:
    type LooseItem = { type: 'message'; role: 'user'; content: Array<{ type: 'output_audio' }> };
    type OpenAIItem = Extract<OpenAIClientEvent, { type: 'conversation.item.create' }>['item'];
    // @ts-expect-error user content cannot be output_audio
    type Check = AssertAssignable<LooseItem, OpenAIItem>;
    expectTypeOf<Check>().not.toBeNever();
  });
});

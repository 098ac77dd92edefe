import { EventEmitter } from 'node:events';
import type * as openai from '@livekit/agents-plugin-openai';

/**
 * A Realtime model whose `session()` makes a bare event emitter, kept in `sessions`: tests of the
 * readers of its server events emit `openai_server_event_received` on them.
 */
export function fakeRealtimeModel(): {
  model: openai.realtime.RealtimeModel;
  sessions: EventEmitter[];
} {
  const sessions: EventEmitter[] = [];
  const model = {
    session: () => {
      const session = new EventEmitter();
      sessions.push(session);
      return session;
    },
  } as unknown as openai.realtime.RealtimeModel;
  return { model, sessions };
}

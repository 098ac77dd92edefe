// The Realtime plugin (1.9) re-emits every server event on its session as
// `openai_server_event_received`. The model makes one session per agent activity
// (`model.session()`); a session that loses its socket reconnects itself (`session_reconnected`).
import type * as openai from '@livekit/agents-plugin-openai';

export type RealtimeServerEvent = { type: string; [key: string]: unknown };

/** What one session's watcher hears: every server event, and each reconnect. */
export interface SessionWatcher {
  event(event: RealtimeServerEvent): void;
  /** The socket was replaced: responses in flight on the old one never finish. */
  reconnected?(): void;
}

type RealtimeSessionLike = {
  on(
    event: 'openai_server_event_received',
    listener: (event: RealtimeServerEvent) => void,
  ): unknown;
  on(event: 'session_reconnected', listener: () => void): unknown;
};

/** Calls `watch()` for every session the model opens and feeds it that session's events. */
export function watchServerEvents(
  model: openai.realtime.RealtimeModel,
  watch: () => SessionWatcher,
): void {
  const open = model.session.bind(model);
  model.session = () => {
    const session = open();
    const watcher = watch();
    const source = session as unknown as RealtimeSessionLike;
    source.on('openai_server_event_received', (event) => watcher.event(event));
    source.on('session_reconnected', () => watcher.reconnected?.());
    return session;
  };
}

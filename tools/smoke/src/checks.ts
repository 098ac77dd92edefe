// What one smoke call found: the checks that pass or fail it, and its latency per turn.
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface TurnLatency {
  turn: number;
  what: string;
  /** Caller's side: the 200 OK (greeting) or the end of its speech → first audible agent audio. */
  firstAudibleMs?: number;
  /** Caller's side: end of speech → first audible audio after the tool call (the answer proper). */
  answerAfterToolMs?: number;
  /** The agent's own figures from its call record (agent/src/observability/README.md). */
  agentEndOfSpeechToFirstAudioMs?: number;
  ttftMs?: number;
  toolMs?: number;
}

export const check = (name: string, ok: boolean, detail: string): Check => ({ name, ok, detail });

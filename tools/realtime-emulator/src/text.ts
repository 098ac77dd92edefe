// Text helpers shared by response streaming and input transcription.

/** Splits text into word deltas, each keeping its trailing whitespace. */
export function words(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [text];
}

/** The rough 4-characters-per-token estimate used for `usage`. */
export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

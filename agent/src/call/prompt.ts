import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_DIR } from '../package-dir.js';

const TEMPLATE = readFileSync(join(AGENT_DIR, 'src/call/prompt.md'), 'utf8');

const WITH_TRANSFER =
  '- If the caller asks for a person, is upset, or needs something you cannot do, offer to transfer them to a human colleague; if they agree, call transfer_to_human.';
const WITHOUT_TRANSFER =
  '- There is no human colleague to transfer to on this line: if the caller asks for a person, say so kindly and tell them the support hours from get_store_policies.';

/** What the caller heard, recorded, from an agent taking over their call (FALLBACK_CLIPS.takeover). */
export const TAKEOVER_LINE = "Sorry, we were cut off. I'm back. How can I help?";

const TAKEOVER_NOTE = `

# This call

- The line to the colleague who was helping this caller dropped, and you took over the call. The
  caller has just heard you say: "${TAKEOVER_LINE}". Do not greet them again: wait for them to
  speak, and if they refer to earlier in the call, ask them to repeat what you need.`;

/**
 * The system prompt, with the transfer rule matching whether a transfer target is configured, and
 * a note when this agent takes over a call whose agent was lost.
 */
export function buildInstructions(options: { canTransfer: boolean; takeover?: boolean }): string {
  const prompt = TEMPLATE.replace(
    '{{transfer}}',
    options.canTransfer ? WITH_TRANSFER : WITHOUT_TRANSFER,
  );
  return options.takeover === true ? `${prompt.trimEnd()}${TAKEOVER_NOTE}\n` : prompt;
}

export const GREETING_INSTRUCTIONS =
  'Greet the caller now in one short sentence: welcome them to the store support line and ask how you can help. Do not call any tool.';

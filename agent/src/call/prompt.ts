import { readFileSync } from 'node:fs';

const TEMPLATE = readFileSync(new URL('./prompt.md', import.meta.url), 'utf8');

const WITH_TRANSFER =
  '- If the caller asks for a person, is upset, or needs something you cannot do, offer to transfer them to a human colleague; if they agree, call transfer_to_human.';
const WITHOUT_TRANSFER =
  '- There is no human colleague to transfer to on this line: if the caller asks for a person, say so kindly and tell them the support hours from get_store_policies.';

/** The system prompt, with the transfer rule matching whether a transfer target is configured. */
export function buildInstructions(options: { canTransfer: boolean }): string {
  return TEMPLATE.replace('{{transfer}}', options.canTransfer ? WITH_TRANSFER : WITHOUT_TRANSFER);
}

export const GREETING_INSTRUCTIONS =
  'Greet the caller now in one short sentence: welcome them to the store support line and ask how you can help. Do not call any tool.';

import type { llm } from '@livekit/agents';
import { voice } from '@livekit/agents';
import { GREETING_INSTRUCTIONS } from './prompt.js';

export interface SupportAgentOptions {
  instructions: string;
  tools: llm.ToolContextEntry[];
  /** Greet as soon as the agent is live: the SIP bridge answers the call only once it hears audio. */
  greet?: boolean;
}

class SupportAgent extends voice.Agent {
  readonly #greet: boolean;

  constructor(options: SupportAgentOptions) {
    super({ instructions: options.instructions, tools: options.tools });
    this.#greet = options.greet ?? true;
  }

  override async onEnter(): Promise<void> {
    if (this.#greet) this.session.generateReply({ instructions: GREETING_INSTRUCTIONS });
  }
}

export function createSupportAgent(options: SupportAgentOptions): voice.Agent {
  return new SupportAgent(options);
}

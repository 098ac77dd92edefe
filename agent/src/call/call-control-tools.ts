import { beta, llm } from '@livekit/agents';

/** Who is on the other end: a phone caller through the SIP bridge, or a QA tester in a browser. */
export interface CallerInfo {
  kind: 'sip' | 'web';
  identity: string;
}

export interface TransferDeps {
  /** Target the bridge sends its REFER to: tel:+E164 or sip:user@host. */
  transferTo: string;
  caller(): CallerInfo | undefined;
  /** Cold transfer of a SIP participant (SipClient.transferSipParticipant in production). */
  transfer(identity: string, to: string): Promise<void>;
  onTransferred?: () => void;
}

const CONNECTING_INSTRUCTIONS =
  'Tell the caller in one short sentence that you are connecting them to a colleague now and thank them for their patience. Do not ask anything.';

export function createTransferTool(deps: TransferDeps) {
  return llm.tool({
    name: 'transfer_to_human',
    description:
      'Transfer the caller to a human support colleague. Use only when the caller asks for a person, or needs help you cannot give, and agrees to be transferred. The caller is told you are connecting them first.',
    execute: async (_args, { ctx }) => {
      const caller = deps.caller();
      if (caller?.kind !== 'sip') {
        return 'Transfer is only available on phone calls, and this is a browser test session. Tell the caller that, and keep helping them yourself.';
      }
      // Safe inside a tool: this is a new speech, not the one running the tool.
      await ctx.session
        .generateReply({ instructions: CONNECTING_INSTRUCTIONS, allowInterruptions: false })
        .waitForPlayout();
      try {
        await deps.transfer(caller.identity, deps.transferTo);
      } catch {
        throw new llm.ToolError(
          'The transfer did not go through. Apologise, say no colleague could be reached right now, and offer to keep helping.',
        );
      }
      deps.onTransferred?.();
      return 'The caller has been transferred to a colleague; the call with you is over.';
    },
  });
}

/** The framework's end-call tool: the model says goodbye, the goodbye plays out, the room is deleted. */
export function createEndCallTool(onEndCall?: () => void) {
  return beta.createEndCallTool({
    deleteRoom: true,
    ignoreOnEnter: true,
    endInstructions: 'Say a short, warm goodbye in one sentence. Do not ask anything.',
    onToolCalled: () => onEndCall?.(),
  });
}

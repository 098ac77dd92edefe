/**
 * The name the worker registers under for explicit dispatch. The token API puts it in testers'
 * tokens and SIP dispatch rules put it in their room configuration: all three must agree.
 */
export const DEFAULT_AGENT_NAME = 'ecommerce-support';

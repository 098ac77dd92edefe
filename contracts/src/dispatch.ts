// What the token API, the SIP dispatch rules and the web tester share with the agent worker.

/**
 * The name the worker registers under for explicit dispatch. The token API puts it in testers'
 * tokens and SIP dispatch rules put it in their room configuration: all three must agree.
 */
export const DEFAULT_AGENT_NAME = 'ecommerce-support';

/**
 * Set by the token API on a QA tester's participant when caller-ID testing is allowed: the agent
 * then treats the session like a call from that number. Testers cannot set their own attributes
 * (their tokens lack canUpdateOwnMetadata), so the value is as trusted as the token API.
 */
export const QA_CALLER_NUMBER_ATTRIBUTE = 'qa.caller_number';

/**
 * The agent worker logs this message (pino JSON `msg`) once per job process it has warmed; the
 * stack runner counts them to know calls will be answered at once.
 */
export const JOB_PROCESS_WARM_MESSAGE = 'job process warm';

/**
 * Every QA tester session gets its own room, named with this prefix by the token API (SIP calls'
 * rooms never have it). The switchboard tells a tester's session from other browser participants
 * by it, and queues testers as it queues callers when every worker is full.
 */
export const QA_ROOM_PREFIX = 'qa-';

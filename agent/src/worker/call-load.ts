// The load the worker reports to livekit-server: its share of the calls it may take, not CPU.
// livekit-server (v1.13.5, agentservice.go) weighs each available worker by max(0, 1 - load) and
// refuses the job when every weight is 0, with no retry. The framework's default, whole-machine
// CPU clamped to 1, is exactly 1 on a 2-core box that is busy starting the stack: the first
// caller after a start was left ringing. A job count is 1 only when the worker really is full.

/** The part of the framework's AgentServer a load function reads. */
export interface ServerWithJobs {
  readonly activeJobs: readonly unknown[];
}

/** active calls / maxCalls, at most 1. */
export function callLoad(activeCalls: number, maxCalls: number): number {
  if (!Number.isInteger(maxCalls) || maxCalls < 1)
    throw new RangeError('maxCalls must be a positive integer');
  return Math.min(1, Math.max(0, activeCalls) / maxCalls);
}

/** A `ServerOptions.loadFunc` reporting {@link callLoad} of the server's active jobs. */
export function createCallLoadFunc(maxCalls: number): (server: ServerWithJobs) => Promise<number> {
  callLoad(0, maxCalls);
  return async (server) => callLoad(server.activeJobs.length, maxCalls);
}

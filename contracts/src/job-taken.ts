// "A worker took this call": the worker that accepts a job writes the job's dispatch into the
// room's metadata, and the switchboard reads it to tell a caller whose agent is on its way from one
// no worker took. livekit-server (v1.13.5) lists a room's dispatches without their jobs (its
// ListDispatch answers `jobs: []` even while the agent talks), so it cannot tell them apart, and
// the agent's own join comes 0.5-2 s after the accept. Only holders of the API secret (workers and
// the switchboard) may set room metadata: a caller or a tester cannot forge it.

interface JobTakenMetadata {
  readonly jobTaken: { readonly dispatchId: string };
}

/** The room metadata a worker sets on accepting a job of the dispatch `dispatchId`. */
export function jobTakenMetadata(dispatchId: string): string {
  const metadata: JobTakenMetadata = { jobTaken: { dispatchId } };
  return JSON.stringify(metadata);
}

/** The dispatch a worker last took in the room, from its metadata; undefined if none. */
export function takenDispatchOf(roomMetadata: string | undefined): string | undefined {
  if (!roomMetadata?.startsWith('{')) return undefined;
  try {
    const dispatchId = (JSON.parse(roomMetadata) as Partial<JobTakenMetadata>).jobTaken?.dispatchId;
    return typeof dispatchId === 'string' && dispatchId !== '' ? dispatchId : undefined;
  } catch {
    return undefined;
  }
}

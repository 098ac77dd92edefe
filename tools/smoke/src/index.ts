// The smoke test as a library (the e2e test runs it in process); `npm run smoke` runs main.ts.
export { parseSmokeArgs, UsageError, USAGE, type SmokeArgs } from './args.js';
export { runCall, SmokeSetupError, type CallResult, type Model } from './call.js';
export { diffEvents, type EventDiff } from './event-diff.js';
export { formatReport } from './report.js';
export { runSmoke, type SmokeOptions, type SmokeReport } from './smoke.js';

// The agent's building blocks, for the cross-package tests in e2e/ and the benchmarks in bench/:
// the worker itself runs from main.ts.
export { ConfigError, loadConfig, type AgentConfig } from './config.js';
export { createCallGuard, type GuardedSession } from './call/call-guard.js';
export { createEndCallTool, createTransferTool } from './call/call-control-tools.js';
export { createDtmfCollector, typedInput } from './call/dtmf.js';
export { buildInstructions } from './call/prompt.js';
export { createSupportAgent } from './call/support-agent.js';
export * from './mcp/toolset.js';
export { createRealtimeModel } from './model/realtime-model.js';
export { watchSpeechStarts } from './model/speech-starts.js';
export { guardModelConnectionErrors } from './model/connection-guard.js';
export { createModelRecovery, RETRY_INSTRUCTIONS } from './call/model-recovery.js';
export {
  classifyServerEvent,
  watchModelTrouble,
  type ModelTrouble,
  type ModelTroubleHandler,
} from './model/model-trouble.js';
export { createCallObserver, type CallObserver } from './observability/call-observer.js';
export { createCallRecorder, readCallRecord } from './observability/call-record.js';

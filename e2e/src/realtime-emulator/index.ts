export {
  createRealtimeEmulator,
  type RealtimeEmulator,
  type RealtimeEmulatorOptions,
  type RecordedClientEvent,
  type RecordedServerEvent,
} from './server.js';
export {
  loadScenarioFile,
  parseScenario,
  scenarioSchema,
  type Scenario,
  type ScenarioInput,
  type ScenarioRule,
} from './scenario.js';
export type {
  AudioPacing,
  ConversationItemRecord,
  EmulatorSessionInfo,
  FunctionCallOutputRecord,
  FunctionCallRecord,
  ResponseRecord,
  UserTurnRecord,
} from './session.js';
export type { Dialect, SessionConfig } from './protocol.js';
export {
  SAMPLE_RATE,
  bufferToPcm16,
  chunkPcm16,
  concatPcm16,
  pcm16ToBuffer,
  rms,
  rmsToDbfs,
  silence,
  synthesizeSpeech,
  tone,
} from './audio.js';

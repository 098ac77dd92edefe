// Hand-written fakes for tests of the agent, here and in e2e/ (package export `./testing`).
export { FakeLogger, type LoggedEntry } from './fake-logger.js';
export { fakeRealtimeModel } from './fake-realtime-model.js';
export { recordingLogger } from './recording-logger.js';
export { driveToolset, type DrivenToolset } from './toolset-driver.js';

// What crosses process boundaries: browser-safe, no dependencies.
export * from './agent-events.js';
export * from './agent-liveness.js';
export * from './caller-id.js';
export * from './dispatch.js';
export * from './env-template.js';
export * from './phone.js';
export * from './webhooks.js';
export * from './queue.js';
export * from './job-taken.js';

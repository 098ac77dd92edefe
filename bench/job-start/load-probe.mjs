/* global process, performance, console */
// Plain JavaScript: a TypeScript loader here would be part of what it measures.
// Loads the module given as the first argument, as a job process loads the agent worker, and
// prints what that cost this process: CPU (all threads) and wall clock, in ms, as one JSON line.
const cpu = process.cpuUsage();
const started = performance.now();
await import(process.argv[2]);
const used = process.cpuUsage(cpu);
console.log(
  JSON.stringify({
    cpuMs: Math.round((used.user + used.system) / 1000),
    wallMs: Math.round(performance.now() - started),
  }),
);

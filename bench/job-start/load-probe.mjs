/* global process, performance, console */
// Plain JavaScript: a TypeScript loader here would be part of what it measures.
// Loads the modules given as arguments, in order, as a job process loads the framework's entry and
// then the agent worker, and prints what that cost this process: CPU (all threads) and wall clock, in ms, as one JSON line.
const cpu = process.cpuUsage();
const started = performance.now();
for (const entry of process.argv.slice(2)) await import(entry);
const used = process.cpuUsage(cpu);
console.log(
  JSON.stringify({
    cpuMs: Math.round((used.user + used.system) / 1000),
    wallMs: Math.round(performance.now() - started),
  }),
);

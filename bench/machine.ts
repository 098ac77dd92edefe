import { cpus, totalmem } from 'node:os';

/** What the figures were measured on, for the JSON summaries. */
export function machine(): { cpus: number; cpu_model: string; memory_gb: number; node: string } {
  const list = cpus();
  return {
    cpus: list.length,
    cpu_model: list[0]?.model.trim() ?? 'unknown',
    memory_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

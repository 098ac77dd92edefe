import { Router } from 'express';
import type { ReadinessCheck } from '../readiness.js';

/**
 * `/healthz`: the process is up. `/readyz`: LiveKit is reachable, so tokens are usable.
 * Probes are not request-logged; a change of readiness is.
 */
export function createHealthRouter(deps: { checkReady: ReadinessCheck }): Router {
  const router = Router();
  let wasReady: boolean | undefined;
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    const readiness = await deps.checkReady();
    if (readiness.ready !== wasReady) {
      if (readiness.ready) req.log.info('ready: LiveKit is reachable');
      else req.log.warn({ reason: readiness.reason }, 'not ready');
      wasReady = readiness.ready;
    }
    res.set('Cache-Control', 'no-store');
    if (readiness.ready) res.json({ status: 'ready' });
    else res.status(503).json({ status: 'not_ready', reason: readiness.reason });
  });
  return router;
}

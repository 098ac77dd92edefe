import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router } from 'express';

export const NOT_BUILT_MESSAGE =
  'The web tester is not built yet. Build it with `npm run build -w web-test` ' +
  '(or point WEB_TEST_DIR at a built copy), then reload this page.\n';

/**
 * Serves the built web tester from `dir`. Paths without a file extension that match no file
 * get index.html (client-side routes); missing assets stay 404. Checked on every request, so
 * building the tester while the API runs is enough.
 */
export function createWebTestRouter(dir: string): Router {
  const index = join(dir, 'index.html');
  const router = Router();
  router.use(
    express.static(dir, {
      index: 'index.html',
      setHeaders: (res, path) => {
        // Vite puts content-hashed files under assets/; everything else may change on rebuild.
        res.setHeader(
          'Cache-Control',
          /[\\/]assets[\\/]/.test(path.slice(dir.length))
            ? 'public, max-age=31536000, immutable'
            : 'no-cache',
        );
      },
    }),
  );
  router.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const last = req.path.split('/').pop() ?? '';
    if (last.includes('.')) return next();
    if (!existsSync(index)) {
      res.status(404).type('text/plain').send(NOT_BUILT_MESSAGE);
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}

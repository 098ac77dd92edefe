// Worker thread entry: indexes one file (file-index.ts) and moves the result to the loader.
import { parentPort, workerData } from 'node:worker_threads';
import { StoreLoadError } from './errors.js';
import { indexFile, transferables, type IndexedFileName, type WorkerReply } from './file-index.js';

const { dir, name } = workerData as { dir: string; name: IndexedFileName };
let reply: WorkerReply;
let transfer: ArrayBuffer[] = [];
try {
  const data = await indexFile(dir, name);
  reply = { data };
  transfer = transferables(data);
} catch (error) {
  reply = {
    error:
      error instanceof StoreLoadError
        ? {
            file: error.file,
            ...(error.line === undefined ? {} : { line: error.line }),
            ...(error.column === undefined ? {} : { column: error.column }),
            detail: error.detail,
            message: error.message,
          }
        : { message: error instanceof Error ? error.message : String(error) },
  };
}
parentPort!.postMessage(reply, transfer);

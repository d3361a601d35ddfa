import { parentPort } from 'node:worker_threads';
import { expose, transfer } from 'comlink';
import { nodeEndpoint } from './node-endpoint.ts';
import { createCompute, type Compute } from '../src/gpu/backend.ts';
import { runChain, fieldBuffers, type ChainJob, type ChainResult } from './chain.ts';

/** The API a pool worker exposes through comlink. */
export interface RunWorkerApi {
  run(job: ChainJob, backend?: string): Promise<ChainResult>;
}

let compute: Compute | undefined;
let computeBackend: string | undefined;

const api: RunWorkerApi = {
  async run(job, backend) {
    const getCompute = async (): Promise<Compute> => {
      if (!compute || computeBackend !== backend) {
        compute?.destroy();
        compute = await createCompute(backend ? { backend } : {});
        computeBackend = backend;
      }
      return compute;
    };
    const result = await runChain(job, getCompute);
    for (const f of Object.values(result.fields)) {
      if (f.data.byteOffset !== 0 || f.data.byteLength !== f.data.buffer.byteLength) f.data = f.data.slice();
    }
    return transfer(result, fieldBuffers(result));
  },
};

if (!parentPort) throw new Error('run-worker.ts must run in a worker thread');
expose(api, nodeEndpoint(parentPort));
parentPort.postMessage({ mesolabWorkerReady: true });

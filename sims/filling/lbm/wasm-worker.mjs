// Worker thread of wasm-engine.ts: instantiates the WebAssembly kernel on the shared memory and
// steps one z slab, meeting the other workers at one barrier per step (the kernel writes only its
// own slab and reads its neighbours' layers from the previous step's buffer). Plain JavaScript so
// the worker starts without a TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';

const { module, memory, cfg, control, ring, buffers, z0, z1, parties } = workerData;
const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports;
kernel.configure(cfg);
const ctl = new Int32Array(memory.buffer, control, 2);
const COUNT = 0;
const GENERATION = 1;

/** Generation-counting barrier: the last thread to arrive opens it for everyone. */
function barrier() {
  const generation = Atomics.load(ctl, GENERATION);
  if (Atomics.add(ctl, COUNT, 1) === parties - 1) {
    Atomics.store(ctl, COUNT, 0);
    Atomics.add(ctl, GENERATION, 1);
    Atomics.notify(ctl, GENERATION);
  } else {
    while (Atomics.load(ctl, GENERATION) === generation) Atomics.wait(ctl, GENERATION, generation);
  }
}

parentPort.on('message', (msg) => {
  try {
    // parity 0: the current state is in buffers[0][0]; each step writes the other buffer.
    let parity = msg.parity;
    for (let s = 0; s < msg.steps; s++) {
      const [src, dst, fsrc, fdst] = buffers[parity];
      kernel.stepSlab(src, dst, fsrc, fdst, ring, z0, z1);
      barrier();
      parity = 1 - parity;
    }
    parentPort.postMessage({ ok: true });
  } catch (e) {
    parentPort.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) });
  }
});

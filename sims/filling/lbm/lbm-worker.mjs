// Worker thread of threaded-engine.ts: advances one z-slab of a lattice whose buffers are shared
// with the other workers, meeting them at a barrier after each half-step. Plain JavaScript so the
// worker starts without a TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import { collideSlab, createScratch, finishSlab, preparePlan } from './fast-step.mjs';

const { domain, physics, periodicZ, fBuffer, gBuffer, rhoBuffer, controlBuffer, z0, z1, parties } = workerData;
const plan = preparePlan(domain, physics, periodicZ);
const scratch = createScratch(plan);
const a = new Float32Array(fBuffer);
const b = new Float32Array(gBuffer);
const rho = new Float32Array(rhoBuffer);
const control = new Int32Array(controlBuffer);
const COUNT = 0;
const GENERATION = 1;

/** Generation-counting barrier: the last thread to arrive opens it for everyone. */
function barrier() {
  const generation = Atomics.load(control, GENERATION);
  if (Atomics.add(control, COUNT, 1) === parties - 1) {
    Atomics.store(control, COUNT, 0);
    Atomics.add(control, GENERATION, 1);
    Atomics.notify(control, GENERATION);
  } else {
    while (Atomics.load(control, GENERATION) === generation) Atomics.wait(control, GENERATION, generation);
  }
}

parentPort.on('message', (msg) => {
  try {
    // parity 0: the current state is in a; each step writes the other buffer.
    let parity = msg.parity;
    for (let s = 0; s < msg.steps; s++) {
      const src = parity === 0 ? a : b;
      const dst = parity === 0 ? b : a;
      collideSlab(plan, src, rho, dst, scratch, z0, z1);
      barrier();
      finishSlab(plan, dst, rho, scratch, z0, z1);
      barrier();
      parity = 1 - parity;
    }
    parentPort.postMessage({ ok: true });
  } catch (e) {
    parentPort.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) });
  }
});

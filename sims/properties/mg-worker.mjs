// Worker thread of the two-thread finest-level passes (fine-team.ts): receives the level's
// shared arrays and its part of the cell lists, then runs each pass the main thread posts,
// signalling completion through the shared control words, until told to release the level.
import { parentPort } from 'node:worker_threads';
import { OP, runOp } from './mg-kernels.mjs';

// Control words: [0] sequence number of the posted pass, [1] its code, [2] last finished sequence,
// [3] 1 once the worker holds the level.
parentPort.on('message', (m) => {
  const ctrl = new Int32Array(m.ctrl);
  const s = new Float64Array(m.scalars);
  const L = m.level;
  Atomics.store(ctrl, 3, 1);
  Atomics.notify(ctrl, 3);
  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, 0, seen);
    seen = Atomics.load(ctrl, 0);
    const op = Atomics.load(ctrl, 1);
    if (op === OP.release) {
      Atomics.store(ctrl, 2, seen);
      Atomics.notify(ctrl, 2);
      return;
    }
    try {
      s[3] = runOp(op, L, s, m.e0, m.e1, m.o0, m.o1);
    } catch {
      s[3] = NaN;
    }
    Atomics.store(ctrl, 2, seen);
    Atomics.notify(ctrl, 2);
  }
});

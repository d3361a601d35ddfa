import type { Endpoint } from 'comlink';
import type { MessagePort, Worker } from 'node:worker_threads';

type Listener = EventListenerOrEventListenerObject;

/**
 * comlink speaks the DOM MessagePort interface; Node's worker_threads ports emit plain data
 * through EventEmitter. This adapter (the same as comlink's node-adapter, typed) bridges them.
 */
export function nodeEndpoint(port: MessagePort | Worker): Endpoint {
  const wrapped = new WeakMap<Listener, (data: unknown) => void>();
  return {
    postMessage: (message: unknown, transfer?: Transferable[]) => port.postMessage(message, transfer as never),
    addEventListener: (_type: string, listener: Listener) => {
      const l = (data: unknown): void => {
        const event = { data } as MessageEvent;
        if ('handleEvent' in listener) listener.handleEvent(event);
        else listener(event);
      };
      wrapped.set(listener, l);
      port.on('message', l);
    },
    removeEventListener: (_type: string, listener: Listener) => {
      const l = wrapped.get(listener);
      if (!l) return;
      port.off('message', l);
      wrapped.delete(listener);
    },
  };
}

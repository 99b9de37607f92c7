import * as ort from 'onnxruntime-node';
import { type TensorData } from '../tensor/host-tensor';
import {
  ortSessionOptions,
  type SessionHandle,
  type SessionLoader,
  type SessionOptions,
  type SessionTensor,
} from './session-loader';

/** Sessions on the main thread: cheapest per call, but a run blocks the event loop while it computes. */
export class MainThreadSessionLoader implements SessionLoader {
  async load(modelPath: string, options: SessionOptions): Promise<SessionHandle> {
    const session = await ort.InferenceSession.create(modelPath, ortSessionOptions(options));
    return {
      inputMetadata: session.inputMetadata,
      outputMetadata: session.outputMetadata,
      async run(feeds, fetches) {
        const ortFeeds: Record<string, ort.Tensor> = {};
        for (const name in feeds) {
          const t = feeds[name];
          ortFeeds[name] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
        }
        const results = await session.run(ortFeeds, fetches as string[]);
        const out: Record<string, SessionTensor> = {};
        for (const name in results) {
          const t = results[name] as ort.Tensor;
          out[name] = { type: t.type, dims: t.dims, data: t.data as TensorData };
        }
        return out;
      },
      release: () => session.release(),
    };
  }

  async close(): Promise<void> {
    // Sessions are released one by one by their versions.
  }
}

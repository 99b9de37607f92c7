import * as ort from 'onnxruntime-node';
import { type TensorData } from '../tensor/host-tensor';
import {
  ortSessionOptions,
  startRunClock,
  type SessionOptions,
  type SessionTensor,
  type TimedRun,
  type TimedSessionHandle,
  type TimedSessionLoader,
} from './session-loader';

/** Sessions on the main thread: cheapest per call, but a run blocks the event loop while it computes. */
export class MainThreadSessionLoader implements TimedSessionLoader {
  async load(modelPath: string, options: SessionOptions): Promise<TimedSessionHandle> {
    const session = await ort.InferenceSession.create(modelPath, ortSessionOptions(options));
    const runTimed = async (
      feeds: Record<string, SessionTensor>,
      fetches: readonly string[],
    ): Promise<TimedRun> => {
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const name in feeds) {
        const t = feeds[name];
        ortFeeds[name] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
      }
      const stopClock = startRunClock();
      const results = await session.run(ortFeeds, fetches as string[]);
      const runUs = stopClock();
      const outputs: Record<string, SessionTensor> = {};
      for (const name in results) {
        const t = results[name] as ort.Tensor;
        outputs[name] = { type: t.type, dims: t.dims, data: t.data as TensorData };
      }
      return { outputs, runUs };
    };
    return {
      inputMetadata: session.inputMetadata,
      outputMetadata: session.outputMetadata,
      run: async (feeds, fetches) => (await runTimed(feeds, fetches)).outputs,
      runTimed,
      release: () => session.release(),
    };
  }

  async close(): Promise<void> {
    // Sessions are released one by one by their versions.
  }
}

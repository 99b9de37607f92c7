export * from './lib/onnx-backend.factory';
export * from './lib/onnx-serving.backend';

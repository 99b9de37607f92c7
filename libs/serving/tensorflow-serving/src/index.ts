export {
  TensorflowServingBackendFactory,
  type TensorflowServingBackendFactoryOptions,
} from './tensorflow-serving-backend.factory';

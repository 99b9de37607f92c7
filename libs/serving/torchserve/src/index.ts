export { TorchServeBackendFactory } from './torchserve-backend.factory';

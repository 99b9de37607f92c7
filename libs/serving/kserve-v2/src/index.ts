export { KserveV2BackendFactory } from './kserve-v2-backend.factory';

export * from './lib/model-server';
export * from './lib/errors/serving-error';
export * from './lib/repository/model-server-logger';
export * from './lib/json/json-parser';
export * from './lib/json/json-document';
export * from './lib/json/json-parse-error';
export * from './lib/json/decimal-format';
export { describeNativeJson, useNativeJson } from './lib/json/native-json';

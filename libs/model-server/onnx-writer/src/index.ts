export * from './elem-type';
export * from './ort-tensor-type';
export * from './value-info';
export * from './tensor-constant';
export * from './attribute';
export * from './graph-node';
export * from './model-spec';
export * from './encode-model';

import { X } from '@infergate/serving-contract';
console.log(X);

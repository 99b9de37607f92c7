import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { RequestError, RequestErrorCode } from './request.error';

/** DTO validation; failures become the 422/120001 Hopsworks returns for IllegalArgumentException. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    transform: true,
    exceptionFactory: (errors: ValidationError[]) =>
      new RequestError(
        RequestErrorCode.VALIDATION_FAILED,
        errors
          .map((e) => Object.values(e.constraints ?? { [e.property]: `${e.property} is invalid` }).join('; '))
          .join('; '),
      ),
  });
}

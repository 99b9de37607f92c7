import { Injectable } from '@nestjs/common';
import { ApiKeyService, isApiKeyScope, type ApiKeyScope } from '@infergate/auth';
import { ApiKeyRepository, isUniqueViolation } from '@infergate/store';
import { RequestError, RequestErrorCode } from '../http/request.error';
import { ApiKeyError, ApiKeyErrorCode } from './api-key.error';
import { toApiKeyView, type ApiKeyView } from './api-key.view';

const KEY_NAME = /^[a-zA-Z0-9_-]{1,45}$/;

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly apiKeys: ApiKeyService,
  ) {}

  /** Hopsworks' ApiKeyController.createNewKey: the full key is returned once and never stored. */
  async create(userId: number, name: unknown, scope: unknown): Promise<ApiKeyView> {
    if (name === undefined || name === '') {
      throw new ApiKeyError(ApiKeyErrorCode.KEY_NAME_NOT_SPECIFIED, 'Query parameter name is required');
    }
    if (typeof name !== 'string' || !KEY_NAME.test(name)) {
      throw new ApiKeyError(ApiKeyErrorCode.KEY_NAME_NOT_VALID, `name must match ${KEY_NAME.source}`);
    }
    const given = scope === undefined ? [] : Array.isArray(scope) ? scope : [scope];
    if (given.length === 0) {
      throw new ApiKeyError(ApiKeyErrorCode.KEY_SCOPE_NOT_SPECIFIED, 'At least one scope is required');
    }
    const scopes: ApiKeyScope[] = [];
    for (const value of given) {
      const upper = typeof value === 'string' ? value.toUpperCase() : value;
      if (!isApiKeyScope(upper)) {
        throw new RequestError(RequestErrorCode.VALIDATION_FAILED, `Unknown API key scope: ${String(value)}`);
      }
      scopes.push(upper);
    }
    if (await this.keys.findByName(userId, name)) throw nameExists(name);
    try {
      const { key, row } = await this.apiKeys.create(userId, name, scopes);
      return toApiKeyView(row, key);
    } catch (error) {
      if (isUniqueViolation(error)) throw nameExists(name);
      throw error;
    }
  }

  async list(userId: number): Promise<ApiKeyView[]> {
    return (await this.keys.listForUser(userId)).map((row) => toApiKeyView(row));
  }

  /** Deleting a key that does not exist is not an error (Hopsworks answers the same). */
  async delete(userId: number, name?: string): Promise<void> {
    await this.keys.delete(userId, name);
  }
}

function nameExists(name: string): ApiKeyError {
  return new ApiKeyError(ApiKeyErrorCode.KEY_NAME_EXIST, `name: ${name}`);
}

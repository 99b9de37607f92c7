import { Injectable } from '@nestjs/common';
import { PasswordHasher } from '@infergate/auth';
import { UserRepository, isUniqueViolation, type UserRole, type UserStatus } from '@infergate/store';
import type { CreateUserDto } from './create-user.dto';
import { UserError, UserErrorCode } from './user.error';
import { toUserView, type UserView } from './user.view';

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  async create(dto: CreateUserDto, role: UserRole): Promise<UserView> {
    if (await this.users.findByEmail(dto.email)) throw exists(dto.email);
    try {
      const row = await this.users.create({
        email: dto.email,
        first_name: dto.firstName,
        last_name: dto.lastName,
        password_hash: await this.hasher.hash(dto.password),
        role,
        status: 'ACTIVATED',
      });
      return toUserView(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw exists(dto.email);
      throw error;
    }
  }

  async list(): Promise<UserView[]> {
    return (await this.users.list()).map(toUserView);
  }

  async setStatus(id: string, status: UserStatus): Promise<UserView> {
    const userId = Number(id);
    const row = Number.isSafeInteger(userId) ? await this.users.setStatus(userId, status) : undefined;
    if (!row) throw new UserError(UserErrorCode.USER_WAS_NOT_FOUND, `id: ${id}`);
    return toUserView(row);
  }
}

function exists(email: string): UserError {
  return new UserError(UserErrorCode.USER_EXISTS, `email: ${email}`);
}

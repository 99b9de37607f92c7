import { Module } from '@nestjs/common';
import { AdminUsersController } from './admin-users.controller';
import { RegisterController } from './register.controller';
import { UsersService } from './users.service';

@Module({
  controllers: [AdminUsersController, RegisterController],
  providers: [UsersService],
})
export class UsersModule {}

import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import type { UserStatus } from '@infergate/store';

/** `PUT /admin/users/{id}`: block or unblock (unblocking also clears the failed-login count). */
export class UserStatusDto {
  @ApiProperty({ enum: ['ACTIVATED', 'BLOCKED'] })
  @IsIn(['ACTIVATED', 'BLOCKED'])
  status!: UserStatus;
}

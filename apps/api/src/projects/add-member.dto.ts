import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn } from 'class-validator';
import { PROJECT_ROLES, type ProjectRole } from '@infergate/store';

/** `POST /project/{id}/projectMembers`: adds the user, or changes the role of a member. */
export class AddMemberDto {
  @ApiProperty({ example: 'ds@example.com' }) @IsEmail() email!: string;

  @ApiProperty({ enum: PROJECT_ROLES }) @IsIn([...PROJECT_ROLES]) role!: ProjectRole;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import type { UserRole } from '@infergate/store';

/** `POST /admin/users` and `POST /auth/register`. */
export class CreateUserDto {
  @ApiProperty({ example: 'ds@example.com' }) @IsEmail() @MaxLength(255) email!: string;

  @ApiProperty() @IsString() @MinLength(8) @MaxLength(1024) password!: string;

  @ApiProperty({ example: 'Dana' }) @IsString() @MinLength(1) @MaxLength(255) firstName!: string;

  @ApiProperty({ example: 'Scientist' }) @IsString() @MinLength(1) @MaxLength(255) lastName!: string;

  /** Admins only (ignored on self-registration); default HOPS_USER. */
  @ApiPropertyOptional({ enum: ['HOPS_USER', 'HOPS_ADMIN'] })
  @IsOptional()
  @IsIn(['HOPS_USER', 'HOPS_ADMIN'])
  role?: UserRole;
}

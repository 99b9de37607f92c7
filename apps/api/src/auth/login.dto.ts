import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'admin@example.com' })
  @IsEmail()
  email!: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password!: string;

  /** Accepted for Hopsworks client compatibility; two-factor login is not implemented. */
  @ApiProperty({ required: false })
  @IsOptional()
  @IsString()
  otp?: string;
}

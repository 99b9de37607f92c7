import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** `POST /project` (Hopsworks' ProjectDTO fields a client sends). */
export class CreateProjectDto {
  @ApiProperty({ example: 'fraud' }) @IsString() projectName!: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) description?: string;
}

import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString } from 'class-validator';

/** `GET /serving` filters (Hopsworks' ServingService.getAll). */
export class ServingQueryDto {
  @IsOptional() @IsString() model?: string;
  @IsOptional() @Type(() => Number) @IsInt() modelVersion?: number;
  @IsOptional() @IsString() status?: string;
  @IsOptional() @IsString() name?: string;
}

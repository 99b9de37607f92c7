import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsInt, IsObject, IsOptional, IsString, Min } from 'class-validator';

/**
 * `PUT /serving` body: Hopsworks' ServingView as clients send it (hsml sends the whole view back, so
 * read-only fields such as status or availableInstances are accepted and ignored). Types are checked
 * here; the rules (name regex, required fields, topic, ...) are checked in the anchor's order by
 * ServingInputValidator so each failure gets Hopsworks' status and code.
 */
export class ServingDto {
  @ApiPropertyOptional({ description: 'absent = create; present = update that serving' })
  @IsOptional()
  @IsInt()
  id?: number;

  @ApiProperty({ example: 'mnist', description: 'unique in the project, [a-zA-Z0-9]+' })
  @IsOptional()
  @IsString()
  name?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() description?: string;

  @ApiPropertyOptional({ description: 'ONNX: defaults to <MODEL_REPOSITORY>/<modelName>' })
  @IsOptional()
  @IsString()
  modelPath?: string;

  @ApiPropertyOptional({ description: 'defaults to the last segment of modelPath' })
  @IsOptional()
  @IsString()
  modelName?: string;

  @ApiProperty({ example: 1 }) @IsOptional() @IsInt() @Min(0) modelVersion?: number;

  @ApiProperty({ example: 'ONNX', description: 'TENSORFLOW_SERVING, ONNX, KSERVE_V2, TORCHSERVE' })
  @IsOptional()
  @IsString()
  modelServer?: string;

  @ApiPropertyOptional({ example: 'DEFAULT' }) @IsOptional() @IsString() servingTool?: string;

  @ApiPropertyOptional({ description: 'derived: the number of endpoints (TF Serving) or 1 (embedded)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  requestedInstances?: number;

  @ApiPropertyOptional({
    example: ['http://127.0.0.1:8501', 'http://127.0.0.1:8502'],
    description: 'TENSORFLOW_SERVING: the base URLs of its instances (one or more)',
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  endpoints?: string[];

  @ApiPropertyOptional({ example: { batchingEnabled: false } })
  @IsOptional()
  @IsObject()
  batchingConfiguration?: Record<string, unknown>;

  @ApiPropertyOptional({ example: { name: 'CREATE', numOfPartitions: 1, numOfReplicas: 1 } })
  @IsOptional()
  @IsObject()
  kafkaTopicDTO?: Record<string, unknown>;

  @ApiPropertyOptional({ example: 'ALL', description: 'ALL, PREDICTIONS or MODEL_INPUTS' })
  @IsOptional()
  @IsString()
  inferenceLogging?: string;
}

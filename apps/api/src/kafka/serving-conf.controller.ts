import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '@infergate/auth';
import { INFERENCE_SCHEMA_SUBJECT, WRITTEN_SCHEMA_VERSION } from '@infergate/inference-log-schema';
import { API_BASE } from '../http/api-base';

/** Hopsworks' ServingConfDTO. */
export interface ServingConfView {
  readonly kafkaTopicSchema: string;
  readonly kafkaTopicSchemaVersion: number;
}

@ApiTags('kafka')
@Controller(API_BASE)
export class ServingConfController {
  /**
   * Hopsworks answers version 3; this gateway writes v1 records (the seed's record, see README), so it
   * reports 1: a client that trusted "3" would decode every record with the wrong schema.
   */
  @Public()
  @Get('servingconf')
  conf(): ServingConfView {
    return { kafkaTopicSchema: INFERENCE_SCHEMA_SUBJECT, kafkaTopicSchemaVersion: WRITTEN_SCHEMA_VERSION };
  }
}
